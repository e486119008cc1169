// Installs the workspace's dependencies when a fresh clone has none, so `npm start` and `npm test` work first time.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const marker = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(marker)) {
  const args = existsSync(join(root, 'package-lock.json')) ? ['ci'] : ['install'];
  console.error(`airlock: installing dependencies (npm ${args[0]})…`);
  const run = spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
