import type { ActivityKind } from '@airlock/sdk';

/** Milliseconds as people read durations: 850 ms, 4.2 s, 3.5 min, 2.1 h. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export const KIND_LABEL: Record<ActivityKind, string> = {
  model: 'model call',
  tool: 'tool / API call',
  policy_hold: 'policy hold',
  approval: 'human approval',
  start: 'start',
  end: 'end',
};

export const KIND_COLOR: Record<ActivityKind, string> = {
  model: '#1f5fd1',
  tool: '#0e7490',
  policy_hold: '#a16207',
  approval: '#be185d',
  start: '#5b6470',
  end: '#5b6470',
};
