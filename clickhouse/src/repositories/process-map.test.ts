import { describe, expect, it } from 'vitest';
import { buildProcessMap, END, START, type ProcessEvent } from './process-map.js';

const ev = (run_id: string, start_ms: number, duration_ms: number, step: string, extra: Partial<ProcessEvent> = {}): ProcessEvent => ({
  run_id, start_ms, duration_ms, step, api: 'openai.chat', model: 'm', decision: 'allow', status: 200, ...extra,
});

describe('buildProcessMap', () => {
  // Three runs: two take the approval path (a hold, then a human wait of 60 s and 120 s), one is auto-approved.
  const events = [
    ev('a', 0, 1_000, 'extract'), ev('a', 1_000, 50, 'pay', { decision: 'hold', status: 403 }), ev('a', 61_050, 300, 'pay', { api: 'http' }),
    ev('b', 0, 1_200, 'extract'), ev('b', 1_200, 50, 'pay', { decision: 'hold', status: 403 }), ev('b', 121_250, 200, 'pay', { api: 'http' }),
    ev('c', 0, 900, 'extract'), ev('c', 1_000, 400, 'pay', { api: 'http', status: 502 }),
  ];
  const map = buildProcessMap('loan', events);

  it('splits a held call into its policy hold and the human wait that followed', () => {
    const byId = Object.fromEntries(map.nodes.map((n) => [n.id, n]));
    expect(byId['hold · pay']).toMatchObject({ kind: 'policy_hold', count: 2, median_ms: 50 });
    expect(byId['approval · pay']).toMatchObject({ kind: 'approval', count: 2, median_ms: 60_000, p95_ms: 120_000, total_ms: 120_000 });
    expect(byId.pay).toMatchObject({ kind: 'tool', count: 3, errors: 1 });
    expect(byId.extract).toMatchObject({ kind: 'model', count: 3, median_ms: 1_000 });
    // Ranked by total time: the human wait first, far above any model latency.
    expect(map.nodes[0]!.id).toBe('approval · pay');
  });

  it('counts directly-follows edges with start and end, and highlights the most frequent variant', () => {
    expect(map.runs).toBe(3);
    expect(map.variants.map((v) => [v.path, v.runs])).toEqual([
      [['extract', 'hold · pay', 'approval · pay', 'pay'], 2],
      [['extract', 'pay'], 1],
    ]);
    expect(map.variants[0]!.share).toBeCloseTo(2 / 3, 3);
    const edge = (s: string, t: string) => map.edges.find((e) => e.source === s && e.target === t);
    expect(edge(START, 'extract')).toMatchObject({ count: 3, on_top_path: true });
    expect(edge('extract', 'pay')).toMatchObject({ count: 1, median_ms: 100, on_top_path: false });
    expect(edge('approval · pay', 'pay')).toMatchObject({ count: 2, on_top_path: true });
    expect(edge('pay', END)).toMatchObject({ count: 3, on_top_path: true });
  });

  it('leaves a run still waiting for approval without a made-up wait', () => {
    const waiting = buildProcessMap('loan', [ev('a', 0, 100, 'extract'), ev('a', 100, 50, 'pay', { decision: 'hold' })]);
    expect(waiting.nodes.map((n) => n.id)).not.toContain('approval · pay');
    expect(waiting.variants[0]!.path).toEqual(['extract', 'hold · pay']);
  });
});
