/**
 * Writes schemas/policy-input.schema.json and schemas/policy-decision.schema.json from the zod contract
 * (`npm run schemas -w policies`); a test fails when the committed files are not current.
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { PolicyDecisionSchema } from '../src/contract/policy-decision.js';
import { PolicyInputSchema } from '../src/contract/policy-input.js';

export function schemaFiles(): Record<string, string> {
  return {
    'policy-input.schema.json': JSON.stringify(z.toJSONSchema(PolicyInputSchema, { io: 'input' }), null, 2) + '\n',
    'policy-decision.schema.json': JSON.stringify(z.toJSONSchema(PolicyDecisionSchema, { io: 'input' }), null, 2) + '\n',
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, text] of Object.entries(schemaFiles())) writeFileSync(new URL(`../schemas/${name}`, import.meta.url), text);
}
