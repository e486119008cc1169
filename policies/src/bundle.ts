/**
 * Loading policy and data from disk, the two ways OPA does.
 *
 * - A bundle (`readBundle`; the gateway's bundles, `opa run -b`, `opa test -b`): .rego modules, and data only from
 *   files named data.json / data.yaml / data.yml, each mounted at its directory's path (teams/data.json → data.teams).
 * - Paths (`loadPaths`; `opa test DIR…`, `opa eval -d DIR…`): every .rego, and every .json / .yaml / .yml file
 *   whatever its name, mounted at its directory's path below the path argument; a file given directly is mounted at
 *   the root. The documents of all arguments merge into one.
 *
 * Either way a file below the root may hold any JSON value; at the root it must be an object. Documents merge
 * object by object, and two files defining the same non-object value are a merge error, as in OPA's loader.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { YAML_V2, parseJsonExact } from './builtins/encoding.js';
import { RObject, fromJSON, isObject, type Value } from './values.js';

export interface BundleFiles {
  readonly modules: { file: string; source: string }[];
  readonly data: Value;
  /** SHA-256 over every file's path and content: the bundle's revision. */
  readonly revision: string;
}

export interface LoadOptions {
  /** Load `*_test.rego` files too (the gateway leaves them out of the policy it serves). */
  readonly includeTests?: boolean;
  /** Base-name patterns of files and directories to skip (`*` and `?` wildcards), like `opa test --ignore`. */
  readonly ignore?: readonly string[];
}

async function walk(dir: string, skip: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if ((entry.name.startsWith('.') && entry.name !== '.manifest') || skip(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, skip)));
    else out.push(full);
  }
  return out.sort();
}

function globMatcher(patterns: readonly string[] = []): (name: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => res.some((re) => re.test(name));
}

/** OPA's loader merge: objects merge key by key; anything else meeting an existing value is a conflict. */
function merge(a: Value, b: Value): Value | undefined {
  if (!isObject(a) || !isObject(b)) return undefined;
  const out = new RObject(a.entries());
  for (const [k, v] of b) {
    const prev = out.get(k);
    if (prev === undefined) out.set(k, v);
    else {
      const merged = merge(prev, v);
      if (merged === undefined) return undefined;
      out.set(k, merged);
    }
  }
  return out;
}

/** The data document with `value` mounted at `path`. */
function mount(root: Value, path: readonly string[], value: Value | undefined, file: string): Value {
  if (value === undefined) return root;
  if (!path.length && !isObject(value)) throw new Error(`${file}: a data file at the root must hold an object`);
  let doc = value;
  for (let i = path.length - 1; i >= 0; i--) doc = new RObject([[path[i]!, doc]]);
  const merged = merge(root, doc);
  if (merged === undefined) throw new Error(`${file}: merge error`);
  return merged;
}

/** A data file's document; undefined for an empty YAML file, which defines nothing. */
function parseData(file: string, text: string): Value | undefined {
  if (file.endsWith('.json')) return fromJSON(parseJsonExact(text));
  // Read as OPA's sigs.k8s.io/yaml (yaml.v2) reads it: YAML 1.1 scalars, and of a stream only the first document.
  const [first] = parseAllDocuments(text, YAML_V2);
  if (!first || first.contents === null) return undefined;
  if (first.errors.length) throw new Error(`${file}: ${first.errors[0]!.message}`);
  return fromJSON(first.toJS());
}

const isDataFile = (name: string): boolean => name.endsWith('.json') || name.endsWith('.yaml') || name.endsWith('.yml');
const isBundleDataFile = (name: string): boolean => name === 'data.json' || name === 'data.yaml' || name === 'data.yml';

export async function readBundle(dir: string, options: LoadOptions = {}): Promise<BundleFiles> {
  const files = await walk(dir, globMatcher(options.ignore));
  const hash = createHash('sha256');
  const modules: { file: string; source: string }[] = [];
  let data: Value = new RObject();
  for (const full of files) {
    const rel = relative(dir, full);
    const text = await readFile(full, 'utf8');
    hash.update(rel).update('\u0000').update(text).update('\u0000');
    const base = basename(rel);
    if (base.endsWith('.rego')) {
      if (!options.includeTests && base.endsWith('_test.rego')) continue;
      modules.push({ file: full, source: text });
    } else if (isBundleDataFile(base)) data = mount(data, rel.split(sep).slice(0, -1), parseData(full, text), full);
  }
  return { modules, data, revision: hash.digest('hex') };
}

/** Modules and data from files and directories, as `opa test PATH…` and `opa eval -d PATH…` read them. */
export async function loadPaths(paths: readonly string[], options: LoadOptions = {}): Promise<{ modules: { file: string; source: string }[]; data: Value }> {
  const skip = globMatcher(options.ignore);
  const modules: { file: string; source: string }[] = [];
  let data: Value = new RObject();
  for (const root of paths) {
    const isDir = (await stat(root)).isDirectory();
    for (const full of isDir ? await walk(root, skip) : [root]) {
      const base = basename(full);
      const mountPath = isDir ? relative(root, full).split(sep).slice(0, -1) : [];
      if (base.endsWith('.rego')) {
        if (options.includeTests === false && base.endsWith('_test.rego')) continue;
        modules.push({ file: full, source: await readFile(full, 'utf8') });
      } else if (isDataFile(base)) data = mount(data, mountPath, parseData(full, await readFile(full, 'utf8')), full);
    }
  }
  return { modules, data };
}

/** Several bundles at once (`opa test -b A B`): their modules together, their data merged. */
export async function readBundles(dirs: readonly string[], options: LoadOptions = {}): Promise<{ modules: { file: string; source: string }[]; data: Value }> {
  const modules: { file: string; source: string }[] = [];
  let data: Value = new RObject();
  for (const dir of dirs) {
    const b = await readBundle(dir, options);
    modules.push(...b.modules);
    data = mount(data, [], b.data, dir);
  }
  return { modules, data };
}
