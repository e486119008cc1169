import { HttpError } from '@airlock/sdk';
import Link from 'next/link';
import { CallsTable } from '../../../features/calls/components/calls-table';
import { FILTER_FIELDS, parseCallSearch, searchString } from '../../../features/calls/filters';
import { requirePage } from '../../../lib/gateway';

const PAGE_SIZE = 50;

export default async function CallsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { admin } = await requirePage('/calls');
  const search = parseCallSearch(await searchParams);
  const { cursor, ...filters } = search;
  let page: Awaited<ReturnType<typeof admin.calls.list>> | null = null;
  let problem: string | null = null;
  try {
    page = await admin.calls.list({ ...filters, ...(cursor ? { cursor } : {}), limit: PAGE_SIZE });
  } catch (error) {
    if (!(error instanceof HttpError) || error.status !== 400) throw error;
    problem = error.message.replace(/^.*? answered 400: /, '');
  }
  return (
    <>
      <h1>Calls</h1>
      <form className="filters" method="get" role="search" aria-label="Filter calls">
        {FILTER_FIELDS.map((field) => (
          <label key={field}>
            {field === 'from' || field === 'to' ? `${field} (UTC)` : field}
            <input name={field} defaultValue={filters[field] ?? ''} placeholder={field === 'from' || field === 'to' ? '2026-12-01' : ''} />
          </label>
        ))}
        <label>
          status
          <select name="status" defaultValue={filters.status ?? ''}>
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
          </select>
        </label>
        <label>
          decision
          <select name="decision" defaultValue={filters.decision ?? ''}>
            <option value="">any</option>
            <option value="allow">allow</option>
            <option value="deny">deny</option>
            <option value="hold">hold</option>
          </select>
        </label>
        <label>
          PII found
          <input name="pii" defaultValue={filters.pii ?? ''} placeholder="any, EMAIL, PHONE…" />
        </label>
        <button type="submit">Apply</button>
        <Link href="/calls">Clear</Link>
      </form>
      <p aria-label="Export">
        Export this filter (every page, streamed): <a href={`/calls/export${searchString({ ...filters, format: 'csv' })}`} download>CSV</a> ·{' '}
        <a href={`/calls/export${searchString({ ...filters, format: 'jsonl' })}`} download>JSON lines</a>
      </p>
      {problem ? (
        <p className="error-state" role="alert">
          {problem}
        </p>
      ) : page && page.calls.length === 0 ? (
        <p className="empty">No calls match these filters.</p>
      ) : page ? (
        <>
          <CallsTable calls={page.calls} />
          <p>
            {cursor ? <Link href={`/calls${searchString(filters)}`}>First page</Link> : null}{' '}
            {page.next ? <Link href={`/calls${searchString({ ...filters, cursor: page.next })}`}>Next page →</Link> : null}
          </p>
        </>
      ) : null}
    </>
  );
}
