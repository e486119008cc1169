'use client';
import type { KpiRow } from '@airlock/sdk';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const COLORS = ['#1f5fd1', '#c2410c', '#127a3a', '#7c3aed', '#b42318', '#0e7490', '#a16207', '#be185d'];

type Metric = 'calls' | 'error_rate' | 'p50_ms' | 'p95_ms' | 'tokens' | 'cost_usd';

export const METRICS: readonly { id: Metric; label: string }[] = [
  { id: 'calls', label: 'Volume (calls)' },
  { id: 'error_rate', label: 'Error rate' },
  { id: 'p50_ms', label: 'p50 latency (ms)' },
  { id: 'p95_ms', label: 'p95 latency (ms)' },
  { id: 'tokens', label: 'Tokens (in + out)' },
  { id: 'cost_usd', label: 'Cost (USD)' },
];

function value(row: KpiRow, metric: Metric): number {
  if (metric === 'tokens') return Number(row.input_tokens) + Number(row.output_tokens);
  if (metric === 'cost_usd') return Number(row.cost_micros) / 1e6;
  return Number(row[metric]);
}

/** One series per group key, one point per bucket: the shape recharts draws lines from. */
function pivot(rows: readonly KpiRow[], metric: Metric): { series: string[]; points: Record<string, number | string>[] } {
  const series = [...new Set(rows.map((r) => r.key || 'all'))];
  const byBucket = new Map<string, Record<string, number | string>>();
  for (const row of rows) {
    const point = byBucket.get(row.bucket) ?? { bucket: row.bucket };
    point[row.key || 'all'] = value(row, metric);
    byBucket.set(row.bucket, point);
  }
  return { series, points: [...byBucket.values()] };
}

export function KpiCharts({ rows }: { rows: readonly KpiRow[] }) {
  return (
    <div className="grid">
      {METRICS.map((m) => {
        const { series, points } = pivot(rows, m.id);
        return (
          <figure key={m.id} className="panel" style={{ margin: 0 }} aria-label={m.label}>
            <figcaption style={{ fontWeight: 600, marginBottom: '0.5rem' }}>{m.label}</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={points} margin={{ left: 4, right: 12, top: 4, bottom: 4 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="bucket" tick={{ fontSize: 11 }} minTickGap={24} />
                <YAxis tick={{ fontSize: 11 }} width={56} />
                <Tooltip />
                {series.length > 1 ? <Legend /> : null}
                {series.map((s, i) => (
                  <Line key={s} type="monotone" dataKey={s} stroke={COLORS[i % COLORS.length]} dot={points.length < 30} isAnimationActive={false} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
}
