import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from '../scripts/schemas.js';

describe('generated JSON Schemas', () => {
  it('are current with the zod contract (run `npm run schemas -w policies`)', () => {
    for (const [name, text] of Object.entries(schemaFiles())) {
      expect(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8'), name).toBe(text);
    }
  });
});
