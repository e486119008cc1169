import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPaths, readBundle, readBundles } from './bundle.js';
import { toJSON } from './values.js';

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'airlock-bundle-'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), text);
  }
  return root;
}

describe('loading data as opa does', () => {
  it('mounts any JSON value of a file below the root at its directory, whatever the file is called', async () => {
    const root = await tree({ 'sub/data.json': '[1, 2]', 'other/x.json': '"hello"', 'conf.yaml': 'a: 1\n', 'deep/er/list.yml': '- x\n', 'p.rego': 'package p\n' });
    const { data, modules } = await loadPaths([root]);
    expect(toJSON(data)).toEqual({ sub: [1, 2], other: 'hello', a: 1, deep: { er: ['x'] } });
    expect(modules.map((m) => m.file)).toEqual([join(root, 'p.rego')]);
  });

  it('merges the documents of several paths, files given directly at the root', async () => {
    const a = await tree({ 'x/data.json': '{"k": 1}' });
    const b = await tree({ 'x/data.json': '{"j": 2}', 'top.json': '{"t": true}' });
    const { data } = await loadPaths([a, b]);
    expect(toJSON(data)).toEqual({ x: { k: 1, j: 2 }, t: true });
    const direct = await loadPaths([join(b, 'top.json')]);
    expect(toJSON(direct.data)).toEqual({ t: true });
  });

  it('refuses a non-object at the root and two values for one path', async () => {
    await expect(loadPaths([await tree({ 'data.json': '[1]' })])).rejects.toThrow(/at the root must hold an object/);
    await expect(loadPaths([await tree({ 's/a.json': '[1]', 's/b.json': '[2]' })])).rejects.toThrow(/merge error/);
  });

  it('reads a bundle’s data only from data.json / data.yaml, and merges several bundles', async () => {
    const root = await tree({ 'teams/data.json': '["a"]', 'teams/fixture.json': '{"no": 1}', 'data.yaml': 'x: 1\n', 'p.rego': 'package p\n', 'p_test.rego': 'package p\n' });
    const b = await readBundle(root);
    expect(toJSON(b.data)).toEqual({ teams: ['a'], x: 1 });
    expect(b.modules).toHaveLength(1);
    const both = await readBundles([root, await tree({ 'y/data.json': '2' })], { includeTests: true });
    expect(toJSON(both.data)).toEqual({ teams: ['a'], x: 1, y: 2 });
    expect(both.modules).toHaveLength(2);
  });
});
