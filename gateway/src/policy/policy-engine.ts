/**
 * The live policy bundle: compiled once, reused for every decision, replaced atomically on reload. A bundle that
 * fails to parse, compile or pass its own test_* rules is refused and the previous one keeps serving.
 */
import { watch, type FSWatcher } from 'node:fs';
import { Engine, readBundle, type Value } from '@airlock/policies';

export interface LoadedBundle {
  readonly engine: Engine;
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

export async function loadBundle(dir: string): Promise<LoadedBundle> {
  const files = await readBundle(dir, { includeTests: true });
  let engine: Engine;
  try {
    engine = Engine.compile(files.modules);
  } catch (error) {
    throw new BundleRefusedError(`bundle ${dir} does not compile: ${(error as Error).message}`, [(error as Error).message]);
  }
  const failed = engine.runTests({ data: files.data }).filter((t) => !t.passed);
  if (failed.length) {
    throw new BundleRefusedError(
      `bundle ${dir} fails ${failed.length} of its own tests: ${failed.slice(0, 5).map((t) => t.name).join(', ')}`,
      failed.map((t) => `${t.name}${t.error ? `: ${t.error}` : ''}`),
    );
  }
  return { engine, data: files.data, revision: files.revision, dir, loadedAt: new Date().toISOString() };
}

/** Holds the current bundle; reloads on demand or when files change (debounced). */
export class PolicyHolder {
  #current: LoadedBundle;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(initial: LoadedBundle, private readonly onReload: (result: { ok: boolean; revision: string; error?: string }) => void = () => undefined) {
    this.#current = initial;
  }

  get current(): LoadedBundle {
    return this.#current;
  }

  async reload(): Promise<LoadedBundle> {
    try {
      this.#current = await loadBundle(this.#current.dir);
      this.onReload({ ok: true, revision: this.#current.revision });
      return this.#current;
    } catch (error) {
      this.onReload({ ok: false, revision: this.#current.revision, error: (error as Error).message });
      throw error;
    }
  }

  watch(): void {
    this.#watcher = watch(this.#current.dir, { recursive: true }, () => {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.reload().catch(() => undefined), 200);
      this.#timer.unref();
    });
    this.#watcher.unref();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
  }
}
