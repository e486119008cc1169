/**
 * Public policy libraries' own test suites (test/real-world/<library>), run the way each upstream runs `opa test`:
 * every test passes under OPA, so every test must pass here, and none may go missing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPaths } from '../src/bundle.js';
import { prettyReport } from '../src/tester/reporter.js';
import { runTests } from '../src/tester/runner.js';

const ROOT = fileURLToPath(new URL('./real-world/', import.meta.url));

interface Suite {
  readonly source: string;
  readonly paths: readonly string[];
  readonly v0Compatible: boolean;
  readonly tests: number;
}

const suites = readdirSync(ROOT, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => ({ name: e.name, suite: JSON.parse(readFileSync(join(ROOT, e.name, 'suite.json'), 'utf8')) as Suite }));

describe('real-world policy libraries', () => {
  it.each(suites)('$name passes its own tests as under opa test', async ({ name, suite }) => {
    const { modules, data } = await loadPaths(suite.paths.map((p) => join(ROOT, name, p)));
    const results = runTests(modules, { v0Compatible: suite.v0Compatible, data });
    const failed = results.filter((r) => r.fail || r.error || r.skip);
    expect(failed.length ? prettyReport(failed) : '', suite.source).toBe('');
    expect(results).toHaveLength(suite.tests);
  });
});
