import type { ProcessView } from '../load';

/** Workflow and range: a GET form, so every view is a link. */
export function WorkflowPicker({ view, label }: { view: ProcessView; label: string }) {
  const { search, workflows } = view;
  return (
    <form className="filters" method="get" aria-label={label}>
      <label>
        workflow
        {workflows.length ? (
          <select name="workflow" defaultValue={search.workflow ?? ''}>
            {search.workflow && !workflows.includes(search.workflow) ? <option>{search.workflow}</option> : null}
            {workflows.map((w) => (
              <option key={w}>{w}</option>
            ))}
          </select>
        ) : (
          <input name="workflow" defaultValue={search.workflow ?? ''} />
        )}
      </label>
      <label>
        from (UTC)
        <input name="from" defaultValue={search.from ?? ''} placeholder="2026-12-01" />
      </label>
      <label>
        to (UTC)
        <input name="to" defaultValue={search.to ?? ''} />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}
