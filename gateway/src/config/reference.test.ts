import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { REFERENCE_END, REFERENCE_START, renderConfigReference, withReference } from './reference.js';

describe('configuration reference', () => {
  it('the README holds the reference generated from the config schema (npm run gen:config-reference)', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(withReference(readme, renderConfigReference()), 'README config reference is stale: run npm run gen:config-reference').toBe(readme);
  });

  it('lists every key the schema knows, with its default', () => {
    const table = renderConfigReference();
    for (const key of ['server.port', 'store (kind: server).cluster', 'models.<name>.deployments[].provider', 'redaction.entities', 'retention.body_days']) {
      expect(table).toContain(`| \`${key}\` |`);
    }
    expect(table).toMatch(/\| `server\.port` \| integer \(≥ 0, ≤ 65535\) \| `8080` \|/);
  });

  it('refuses a README without its markers rather than appending somewhere', () => {
    expect(() => withReference('# no markers', 'x')).toThrow(/markers/);
    expect(withReference(`a\n${REFERENCE_START}\nold\n${REFERENCE_END}\nb`, 'new')).toBe(`a\n${REFERENCE_START}\nnew\n${REFERENCE_END}\nb`);
  });
});
