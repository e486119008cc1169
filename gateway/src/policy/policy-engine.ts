/**
 * The live policy bundle: compiled once, reused for every decision, replaced atomically on reload. A bundle that
 * fails to parse, compile or pass its own test_* rules is refused and the previous one keeps serving.
 */
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { Engine, readBundle, toJSON, type FiredRule, type Value } from '@airlock/policies';
import { createRequire } from 'node:module';

// The package's ESM entry exports only loadPolicy; its CommonJS entry has the synchronous loader too.
const opaWasm = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as typeof import('@open-policy-agent/opa-wasm');

/** Evaluation is synchronous, so a client leaving cannot interrupt it: the step limit bounds it instead. */
export interface DecideOptions {
  readonly strict: boolean;
  readonly maxSteps: number;
}

/**
 * What the gateway needs from a policy backend: the decision document for an input, and (where the backend can)
 * the rules that produced it.
 */
export interface DecisionEngine {
  readonly kind: 'rego' | 'wasm';
  decide(input: unknown, options: DecideOptions): unknown;
  explain(input: unknown, options: DecideOptions): { value: unknown; fired: readonly FiredRule[] };
}

const DECISION = ['airlock', 'decision'];
const WASM_ENTRYPOINT = 'airlock/decision';

function regoEngine(engine: Engine, data: Value): DecisionEngine {
  return {
    kind: 'rego',
    decide: (input, o) => engine.document(DECISION, { input, data, strict: o.strict, maxSteps: o.maxSteps }),
    explain: (input, o) => engine.explain(DECISION, { input, data, strict: o.strict, maxSteps: o.maxSteps }),
  };
}

/** A bundle built by `opa build -t wasm` (policy.wasm + data), evaluated through @open-policy-agent/opa-wasm. */
function wasmEngine(wasm: Buffer, data: Value): DecisionEngine {
  const policy = opaWasm.loadPolicySync(wasm);
  policy.setData(toJSON(data) as object);
  const decide = (input: unknown): unknown => {
    const result = policy.evaluate(input, WASM_ENTRYPOINT) as { result?: unknown }[] | undefined;
    return result?.[0]?.result;
  };
  return { kind: 'wasm', decide, explain: (input) => ({ value: decide(input), fired: [] }) };
}

export interface LoadedBundle {
  readonly engine: DecisionEngine;
  /** The bundle's own choice (`.manifest` metadata `fail_open: true`) to let calls through when evaluation fails. */
  readonly failOpen: boolean;
  readonly data: Value;
  readonly revision: string;
  readonly dir: string;
  readonly loadedAt: string;
}

export class BundleRefusedError extends Error {
  constructor(message: string, readonly failures: readonly string[]) {
    super(message);
    this.name = 'BundleRefusedError';
  }
}

function manifestFailOpen(dir: string): boolean {
  const path = join(dir, '.manifest');
  if (!existsSync(path)) return false;
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { metadata?: { fail_open?: unknown } };
    return manifest.metadata?.fail_open === true;
  } catch {
    throw new BundleRefusedError(`bundle ${dir} has a .manifest that is not valid JSON`, ['.manifest']);
  }
}

/** Compiles Rego modules (and runs their test_* rules) into a decision engine; throws BundleRefusedError. */
export function compileRegoBundle(label: string, modules: { file: string; source: string }[], data: Value): DecisionEngine {
  let engine: Engine;
  try {
    engine = Engine.compile(modules);
  } catch (error) {
    throw new BundleRefusedError(`bundle ${label} does not compile: ${(error as Error).message}`, [(error as Error).message]);
  }
  const failed = engine.runTests({ data }).filter((t) => !t.passed);
  if (failed.length) {
    throw new BundleRefusedError(
      `bundle ${label} fails ${failed.length} of its own tests: ${failed.slice(0, 5).map((t) => t.name).join(', ')}`,
      failed.map((t) => `${t.name}${t.error ? `: ${t.error}` : ''}`),
    );
  }
  return regoEngine(engine, data);
}

export async function loadBundle(dir: string): Promise<LoadedBundle> {
  const files = await readBundle(dir, { includeTests: true });
  const failOpen = manifestFailOpen(dir);
  const wasmPath = join(dir, 'policy.wasm');
  if (existsSync(wasmPath)) {
    let engine: DecisionEngine;
    try {
      engine = wasmEngine(readFileSync(wasmPath), files.data);
    } catch (error) {
      throw new BundleRefusedError(`wasm bundle ${dir} does not load: ${String((error as Error).message ?? error)}`, [String(error)]);
    }
    return { engine, failOpen, data: files.data, revision: files.revision, dir, loadedAt: new Date().toISOString() };
  }
  const engine = compileRegoBundle(dir, files.modules, files.data);
  return { engine, failOpen, data: files.data, revision: files.revision, dir, loadedAt: new Date().toISOString() };
}

/** Who asked for a reload: an admin key's id, or the file watcher. */
export const FILE_WATCH_ACTOR = 'file-watch';

export interface ReloadResult {
  readonly ok: boolean;
  readonly actor: string;
  /** The revision serving after the attempt (the previous one when the bundle was refused). */
  readonly revision: string;
  readonly previous: string;
  readonly error?: string;
}

/** Holds the current bundle; reloads on demand or when files change (debounced). */
export class PolicyHolder {
  #current: LoadedBundle;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(initial: LoadedBundle, private readonly onReload: (result: ReloadResult) => void = () => undefined) {
    this.#current = initial;
  }

  get current(): LoadedBundle {
    return this.#current;
  }

  async reload(actor: string): Promise<LoadedBundle> {
    const previous = this.#current.revision;
    try {
      this.#current = await loadBundle(this.#current.dir);
      this.onReload({ ok: true, actor, revision: this.#current.revision, previous });
      return this.#current;
    } catch (error) {
      this.onReload({ ok: false, actor, revision: previous, previous, error: (error as Error).message });
      throw error;
    }
  }

  watch(): void {
    this.#watcher = watch(this.#current.dir, { recursive: true }, () => {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.reload(FILE_WATCH_ACTOR).catch(() => undefined), 200);
      this.#timer.unref();
    });
    this.#watcher.unref();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
  }
}
