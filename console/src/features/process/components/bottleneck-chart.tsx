'use client';
import type { ProcessNode } from '@airlock/sdk';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { duration, KIND_COLOR, KIND_LABEL } from '../format';

/** Activities by total time, one bar each, coloured by what they are (a human's wait is never a model's latency). */
export function BottleneckChart({ activities }: { activities: readonly ProcessNode[] }) {
  const data = activities.map((a) => ({ name: a.label, total: a.total_ms, kind: a.kind }));
  return (
    <figure className="panel" style={{ margin: '0 0 1rem' }} aria-label="Total time by activity">
      <figcaption style={{ fontWeight: 600, marginBottom: '0.5rem' }}>Total time by activity (count × median)</figcaption>
      <ResponsiveContainer width="100%" height={Math.max(160, 34 * data.length + 40)}>
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 24, top: 4, bottom: 4 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tickFormatter={(v: number) => duration(v)} tick={{ fontSize: 11 }} />
          <YAxis type="category" dataKey="name" width={180} tick={{ fontSize: 11 }} />
          <Tooltip formatter={(v, _n, item) => [duration(Number(v)), KIND_LABEL[(item.payload as { kind: ProcessNode['kind'] }).kind]]} />
          <Bar dataKey="total" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.name} fill={KIND_COLOR[d.kind]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
