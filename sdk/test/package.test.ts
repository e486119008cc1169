/**
 * What `npm pack` ships: the built ESM files with their types and the README, nothing else, and a tarball that
 * imports on its own (the SDK has no runtime dependencies).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as source from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the published package', () => {
  it('packs dist and README only, and its entry point exports what the source does', async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-sdk-pack-'));
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path).sort();
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('README.md');
    expect(files.filter((f) => !(f.startsWith('dist/') || f === 'README.md' || f === 'package.json'))).toEqual([]);
    expect(files.some((f) => f.includes('.test.'))).toBe(false);

    execFileSync('tar', ['-xzf', join(dir, info!.filename), '-C', dir]);
    expect(await readdir(join(dir, 'package'))).toEqual(expect.arrayContaining(['dist', 'package.json', 'README.md']));
    const exported = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(dir, 'package', 'dist', 'index.js'))}); console.log(JSON.stringify(Object.keys(m).sort()))`], {
      encoding: 'utf8',
    });
    expect(JSON.parse(exported)).toEqual(Object.keys(source).sort());
  }, 60_000);
});
