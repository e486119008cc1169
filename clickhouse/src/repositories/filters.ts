/**
 * Filters compose into a WHERE clause with deterministic parameter names; values are always bound, never spliced.
 */
import type { QueryParams } from '../adapter.js';

export interface SqlFragment {
  readonly sql: string;
  readonly params: QueryParams;
}

export class Where {
  readonly #clauses: string[] = [];
  readonly #params: Record<string, unknown> = {};

  /** `column = {name:Type}` when value is given. */
  eq(column: string, name: string, type: string, value: unknown): this {
    if (value === undefined || value === null || value === '') return this;
    this.#clauses.push(`${column} = {${name}:${type}}`);
    this.#params[name] = value;
    return this;
  }

  raw(sql: string, params: QueryParams = {}): this {
    this.#clauses.push(sql);
    Object.assign(this.#params, params);
    return this;
  }

  build(): SqlFragment {
    return { sql: this.#clauses.length ? `WHERE ${this.#clauses.join(' AND ')}` : '', params: { ...this.#params } };
  }
}
