/** gqlparser's validator.Validate: all default rules over one walk, every error kept in report order. */
import type { QueryDocument } from './ast.js';
import { GqlError } from './errors.js';
import { DEFAULT_RULES } from './rules.js';
import type { Schema } from './schema.js';
import { Events, Walker } from './walker.js';

export function validateQuery(schema: Schema, doc: QueryDocument): GqlError[] {
  const errors: GqlError[] = [];
  const events = new Events();
  for (const rule of DEFAULT_RULES) rule(events, (message, position) => errors.push(new GqlError(message, position)));
  new Walker(schema, doc, events).walk();
  return errors;
}
