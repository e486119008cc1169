'use client';
import type { Call } from '@airlock/sdk';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import Link from 'next/link';
import { LocalTime } from '../../../components/ui/local-time';

const column = createColumnHelper<Call>();

const piiTypes = (counts: Call['pii_counts']): string =>
  Object.entries(counts ?? {})
    .filter(([, n]) => Number(n) > 0)
    .map(([type, n]) => `${type}×${n}`)
    .join(' ');

const columns = [
  column.accessor('received_at', { header: 'Time', cell: (c) => <LocalTime value={c.getValue()} /> }),
  column.accessor('call_id', { header: 'Call', cell: (c) => <Link href={`/calls/${encodeURIComponent(c.getValue())}`} className="mono">{c.getValue().slice(0, 8)}</Link> }),
  column.accessor((c) => `${c.team} / ${c.user}`, { id: 'who', header: 'Team / user' }),
  column.accessor((c) => [c.workflow, c.step].filter(Boolean).join(' › '), { id: 'workflow', header: 'Workflow › step' }),
  column.accessor('requested_model', { header: 'Model' }),
  column.accessor('status', { header: 'Status', cell: (c) => <span className={`badge ${c.getValue() >= 400 ? 'error' : 'ok'}`}>{c.getValue()}</span> }),
  column.accessor('decision', { header: 'Decision' }),
  column.accessor((c) => piiTypes(c.pii_counts), { id: 'pii', header: 'PII found' }),
  column.accessor('duration_ms', { header: 'ms', cell: (c) => Math.round(Number(c.getValue())) }),
];

/** One page of calls; paging and filtering happen on the server (the URL holds both). */
export function CallsTable({ calls }: { calls: Call[] }) {
  const table = useReactTable({ data: calls, columns, getCoreRowModel: getCoreRowModel(), getRowId: (row) => row.call_id });
  return (
    <table aria-label="Calls">
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((h) => (
              <th key={h.id} scope="col">
                {flexRender(h.column.columnDef.header, h.getContext())}
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id}>
            {row.getVisibleCells().map((cell) => (
              <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
