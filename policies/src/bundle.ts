/**
 * A bundle is a directory of .rego modules and data.json / data.yaml files; a data file in a subdirectory is
 * mounted at that directory's path (bundles/x/teams/data.json → data.teams), as OPA does.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseJsonExact } from './builtins/encoding.js';
import { RObject, fromJSON, isObject, type Value } from './values.js';

export interface BundleFiles {
  readonly modules: { file: string; source: string }[];
  readonly data: Value;
  /** SHA-256 over every file's path and content: the bundle's revision. */
  readonly revision: string;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') && entry.name !== '.manifest') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out.sort();
}

function mount(root: RObject, path: readonly string[], value: Value): RObject {
  if (!path.length) {
    if (!isObject(value)) throw new Error('a data file at the bundle root must hold an object');
    const merged = new RObject(root.entries());
    for (const [k, v] of value) merged.set(k, v);
    return merged;
  }
  const [head, ...rest] = path;
  const child = root.get(head!);
  return new RObject(root.entries()).set(head!, mount(isObject(child) ? child : new RObject(), rest, value));
}

export async function readBundle(dir: string, options: { includeTests?: boolean } = {}): Promise<BundleFiles> {
  const files = await walk(dir);
  const hash = createHash('sha256');
  const modules: { file: string; source: string }[] = [];
  let data = new RObject();
  for (const full of files) {
    const rel = relative(dir, full);
    const text = await readFile(full, 'utf8');
    hash.update(rel).update('\u0000').update(text).update('\u0000');
    const base = rel.split(sep).pop()!;
    const mountPath = rel.split(sep).slice(0, -1);
    if (base.endsWith('.rego')) {
      if (!options.includeTests && base.endsWith('_test.rego')) continue;
      modules.push({ file: full, source: text });
    } else if (base === 'data.json') data = mount(data, mountPath, fromJSON(parseJsonExact(text)));
    else if (base === 'data.yaml' || base === 'data.yml') data = mount(data, mountPath, fromJSON(parseYaml(text, { intAsBigInt: true })));
  }
  return { modules, data, revision: hash.digest('hex') };
}
