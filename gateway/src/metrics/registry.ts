/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text exposition
 * format at GET /metrics. One registry per app, injected, never global.
 */
type Labels = Readonly<Record<string, string>>;

const escape = (v: string): string => (/[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v);

/**
 * A family's label names are fixed when it is made, so a series is found by its values alone (joined with a
 * character no label value holds) and the exposition text is built only when /metrics is read: counting is on
 * every call's path, rendering is not.
 */
class Series<T> {
  #byKey = new Map<string, T>();
  /** Sorted, so that the exposition text is the same whichever order a family was declared in. */
  private readonly labelNames: readonly string[];
  constructor(
    labelNames: readonly string[],
    private readonly create: () => T,
  ) {
    this.labelNames = [...labelNames].sort();
  }

  #key(labels: Labels): string {
    let key = '';
    for (let i = 0; i < this.labelNames.length; i++) key += (i ? '\u0000' : '') + (labels[this.labelNames[i]!] ?? '');
    return key;
  }

  get(labels: Labels): T {
    const key = this.#key(labels);
    let value = this.#byKey.get(key);
    if (value === undefined) this.#byKey.set(key, (value = this.create()));
    return value;
  }

  set(labels: Labels, value: T): void {
    this.#byKey.set(this.#key(labels), value);
  }

  /** Each series with its label text (`a="x",b="y"`, empty without labels). */
  *entries(): IterableIterator<[string, T]> {
    for (const [key, value] of this.#byKey) {
      const values = key.split('\u0000');
      yield [this.labelNames.map((n, i) => `${n}="${escape(values[i]!)}"`).join(','), value];
    }
  }
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

export class Counter implements Family {
  readonly type = 'counter';
  #series: Series<{ value: number }>;
  constructor(readonly name: string, readonly help: string, labelNames: readonly string[] = []) {
    this.#series = new Series(labelNames, () => ({ value: 0 }));
  }
  inc(labels: Labels = {}, by = 1): void {
    this.#series.get(labels).value += by;
  }
  render(): string[] {
    return [...this.#series.entries()].map(([k, s]) => `${this.name}${k ? `{${k}}` : ''} ${s.value}`);
  }
}

export class Gauge implements Family {
  readonly type = 'gauge';
  #series: Series<number>;
  constructor(readonly name: string, readonly help: string, labelNames: readonly string[], private readonly collect?: (gauge: Gauge) => void) {
    this.#series = new Series(labelNames, () => 0);
  }
  set(labels: Labels, value: number): void {
    this.#series.set(labels, value);
  }
  render(): string[] {
    this.collect?.(this);
    return [...this.#series.entries()].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${v}`);
  }
}

export const DEFAULT_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

export class Histogram implements Family {
  readonly type = 'histogram';
  #series: Series<{ counts: number[]; sum: number; count: number }>;
  constructor(readonly name: string, readonly help: string, labelNames: readonly string[], private readonly buckets: readonly number[] = DEFAULT_BUCKETS_MS) {
    this.#series = new Series(labelNames, () => ({ counts: buckets.map(() => 0), sum: 0, count: 0 }));
  }
  observe(labels: Labels, value: number): void {
    this.#add(this.#series.get(labels), value);
  }
  /** One series, found once: observing through it skips the lookup (for series known in advance, such as stages). */
  series(labels: Labels): (value: number) => void {
    const s = this.#series.get(labels);
    return (value) => this.#add(s, value);
  }
  #add(s: { counts: number[]; sum: number; count: number }, value: number): void {
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  render(): string[] {
    const lines: string[] = [];
    for (const [k, s] of this.#series.entries()) {
      const sep = k ? ',' : '';
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{${k}${sep}le="${b}"} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket{${k}${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ''} ${s.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return lines;
  }
}

export class MetricsRegistry {
  #families: Family[] = [];
  register<F extends Family>(family: F): F {
    if (this.#families.some((f) => f.name === family.name)) throw new Error(`metric ${family.name} is already registered`);
    this.#families.push(family);
    return family;
  }
  render(): string {
    return this.#families.map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.render()].join('\n')).join('\n') + '\n';
  }
}
