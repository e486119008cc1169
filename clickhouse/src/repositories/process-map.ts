/**
 * A workflow's process map, as process-mining tools draw it, from the calls of its runs (the event log: one event
 * per call, ordered by time within a run). Activities are the runs' steps; a held call becomes a policy-hold
 * activity followed by a human-approval activity whose duration is the wait until the run went on, so a human's
 * wait is never counted as model latency. Edges are directly-follows relations between activities, bracketed by
 * the synthetic start and end of each run; variants are the distinct activity sequences.
 */

/** One call of a run, as the map reads it. */
export interface ProcessEvent {
  readonly run_id: string;
  readonly start_ms: number;
  readonly duration_ms: number;
  readonly step: string;
  readonly api: string;
  readonly model: string;
  readonly decision: string;
  readonly status: number;
}

export type ActivityKind = 'model' | 'tool' | 'policy_hold' | 'approval' | 'start' | 'end';

export interface Stats {
  readonly count: number;
  readonly median_ms: number;
  readonly p95_ms: number;
  /** count × median: where the time goes, robust to a few outliers. */
  readonly total_ms: number;
}

export interface ProcessNode extends Stats {
  readonly id: string;
  readonly label: string;
  readonly kind: ActivityKind;
  readonly errors: number;
}

export interface ProcessEdge extends Stats {
  readonly source: string;
  readonly target: string;
  /** Whether the edge lies on the most frequent variant. */
  readonly on_top_path: boolean;
}

export interface ProcessVariant {
  readonly path: readonly string[];
  readonly runs: number;
  readonly share: number;
  readonly median_ms: number;
}

export interface ProcessMap {
  readonly workflow: string;
  readonly runs: number;
  /** Whether the map stops at the newest runs it was allowed to read. */
  readonly truncated: boolean;
  readonly nodes: readonly ProcessNode[];
  readonly edges: readonly ProcessEdge[];
  readonly variants: readonly ProcessVariant[];
}

export const START = '▶ start';
export const END = '■ end';

/** The model APIs; anything else through the gateway (`http` for /api/:system, MCP) is a tool or API call. */
const MODEL_APIS = new Set(['openai.chat', 'openai.responses', 'openai.embeddings', 'anthropic.messages']);

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function stats(values: number[]): Stats {
  const sorted = values.sort((a, b) => a - b);
  const median = percentile(sorted, 0.5);
  const round = (n: number) => Math.round(n * 100) / 100;
  return { count: sorted.length, median_ms: round(median), p95_ms: round(percentile(sorted, 0.95)), total_ms: round(sorted.length * median) };
}

interface Activity {
  readonly id: string;
  readonly kind: ActivityKind;
  readonly start: number;
  readonly end: number;
  readonly error: boolean;
}

/** A run's events as activities: a held call expands to its hold and the human wait that followed it. */
function activities(events: readonly ProcessEvent[]): Activity[] {
  const out: Activity[] = [];
  events.forEach((e, i) => {
    const name = e.step || e.model || e.api;
    const end = e.start_ms + e.duration_ms;
    if (e.decision === 'hold') {
      out.push({ id: `hold · ${name}`, kind: 'policy_hold', start: e.start_ms, end, error: false });
      // The run went on once someone decided; a run that never went on is still waiting (no duration to count).
      const next = events[i + 1];
      if (next) out.push({ id: `approval · ${name}`, kind: 'approval', start: end, end: Math.max(end, next.start_ms), error: false });
      return;
    }
    out.push({ id: name, kind: MODEL_APIS.has(e.api) ? 'model' : 'tool', start: e.start_ms, end, error: e.status >= 400 });
  });
  return out;
}

/** `events` ordered by run, then time. */
export function buildProcessMap(workflow: string, events: readonly ProcessEvent[], truncated = false): ProcessMap {
  const runs = new Map<string, ProcessEvent[]>();
  for (const e of events) runs.set(e.run_id, [...(runs.get(e.run_id) ?? []), e]);
  const nodeTimes = new Map<string, { kind: ActivityKind; times: number[]; errors: number }>();
  const edgeTimes = new Map<string, number[]>();
  const variants = new Map<string, { path: string[]; durations: number[] }>();
  const node = (id: string, kind: ActivityKind) => {
    let n = nodeTimes.get(id);
    if (!n) nodeTimes.set(id, (n = { kind, times: [], errors: 0 }));
    return n;
  };
  const edge = (from: string, to: string, ms: number) => {
    const key = JSON.stringify([from, to]);
    edgeTimes.set(key, [...(edgeTimes.get(key) ?? []), Math.max(0, ms)]);
  };
  for (const list of runs.values()) {
    const acts = activities(list);
    if (acts.length === 0) continue;
    node(START, 'start').times.push(0);
    node(END, 'end').times.push(0);
    let prev: Activity | null = null;
    for (const a of acts) {
      const n = node(a.id, a.kind);
      n.times.push(a.end - a.start);
      if (a.error) n.errors++;
      edge(prev?.id ?? START, a.id, prev ? a.start - prev.end : 0);
      prev = a;
    }
    edge(prev!.id, END, 0);
    const path = acts.map((a) => a.id);
    const key = JSON.stringify(path);
    const v = variants.get(key) ?? { path, durations: [] };
    v.durations.push(Math.max(...acts.map((a) => a.end)) - acts[0]!.start);
    variants.set(key, v);
  }
  const runCount = [...variants.values()].reduce((n, v) => n + v.durations.length, 0);
  const ranked = [...variants.values()]
    .map((v) => ({ path: v.path, runs: v.durations.length, share: runCount ? Math.round((v.durations.length / runCount) * 10_000) / 10_000 : 0, median_ms: stats(v.durations).median_ms }))
    .sort((a, b) => b.runs - a.runs || a.path.length - b.path.length || JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));
  const top = ranked[0] ? [START, ...ranked[0].path, END] : [];
  const topEdges = new Set(top.slice(1).map((to, i) => JSON.stringify([top[i], to])));
  return {
    workflow,
    runs: runCount,
    truncated,
    nodes: [...nodeTimes].map(([id, n]) => ({ id, label: id, kind: n.kind, errors: n.errors, ...stats(n.times) })).sort((a, b) => b.total_ms - a.total_ms || a.id.localeCompare(b.id)),
    edges: [...edgeTimes].map(([key, times]) => {
      const [source, target] = JSON.parse(key) as [string, string];
      return { source, target, on_top_path: topEdges.has(key), ...stats(times) };
    }),
    variants: ranked,
  };
}
