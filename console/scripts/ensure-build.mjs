// Builds the console (next build) when it has no production build, or one older than its sources or the SDK's:
// `npm start` and the browser tests then always serve what the code says.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const consoleDir = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = [join(consoleDir, 'src'), join(consoleDir, '..', 'sdk', 'src'), join(consoleDir, 'next.config.ts'), join(consoleDir, 'package.json')];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function ensureBuild() {
  const buildId = join(consoleDir, '.next', 'BUILD_ID');
  if (existsSync(buildId) && statSync(buildId).mtimeMs > Math.max(...SOURCES.map(newestMtime))) return;
  console.error('airlock: building the console (next build), once per change…');
  const run = spawnSync('npm', ['run', 'build'], { cwd: consoleDir, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (run.status !== 0) throw new Error(`next build failed (exit ${run.status})`);
}
