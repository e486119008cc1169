// Type-checks, then runs the whole vitest suite and ends with one line `N passed, N failed`, read from vitest's JSON report.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, '.reports');
mkdirSync(outDir, { recursive: true });
const report = join(outDir, 'vitest.json');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
// Type errors fail the suite before any test runs: vitest strips types without checking them.
const typecheck = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit' });
if (typecheck.status !== 0) {
  writeFileSync(join(outDir, 'summary.txt'), 'typecheck failed\n0 passed, 1 failed\n');
  console.log('typecheck failed (npm run typecheck)\n0 passed, 1 failed');
  process.exit(1);
}

const run = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } },
);

let summary;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const failedSuites = json.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
  summary = `${json.numPassedTests} passed, ${json.numFailedTests + failedSuites} failed`;
  if (json.numPendingTests + json.numTodoTests > 0) summary += `, ${json.numPendingTests + json.numTodoTests} skipped`;
} catch {
  summary = '0 passed, 1 failed';
}
writeFileSync(join(outDir, 'summary.txt'), summary + '\n');
console.log(summary);
process.exit(run.status ?? 1);
