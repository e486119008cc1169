import type { Span } from '@airlock/sdk';

interface Node {
  readonly span: Span;
  readonly depth: number;
}

const startMs = (s: Span): number => Date.parse(`${s.start_time.replace(' ', 'T')}Z`);

/** Parent before children, by the explicit parent links (never inferred from timing). */
function order(spans: readonly Span[]): Node[] {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map<string, Span[]>();
  for (const s of spans) {
    const parent = ids.has(s.parent_span_id) ? s.parent_span_id : '';
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: Node[] = [];
  const visit = (parent: string, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => startMs(a) - startMs(b))) {
      out.push({ span: s, depth });
      visit(s.span_id, depth + 1);
    }
  };
  visit('', 0);
  return out;
}

/** A trace as a waterfall: gateway and agent spans on one time axis. */
export function Waterfall({ spans }: { spans: readonly Span[] }) {
  if (spans.length === 0) return <p className="empty">No spans recorded for this call.</p>;
  const nodes = order(spans);
  const t0 = Math.min(...spans.map(startMs));
  const t1 = Math.max(...spans.map((s) => startMs(s) + Number(s.duration_ms)));
  const total = Math.max(t1 - t0, 1);
  return (
    <div className="waterfall" role="list" aria-label="Trace spans">
      {nodes.map(({ span, depth }) => {
        const left = ((startMs(span) - t0) / total) * 100;
        const width = (Number(span.duration_ms) / total) * 100;
        const service = span.attributes['resource.service.name'] ?? (span.attributes['airlock.span_kind'] ? 'sdk' : 'gateway');
        return (
          <div className="row" role="listitem" key={span.span_id}>
            <span style={{ paddingLeft: `${depth * 14}px` }} title={`${span.kind} · ${service}`}>
              {span.name} <span className="badge">{service}</span>
            </span>
            <span className="track" aria-hidden="true">
              <span className={`bar ${span.status_code === 'ERROR' ? 'error' : ''}`} style={{ left: `${left}%`, width: `${width}%` }} />
            </span>
            <span>{Number(span.duration_ms).toFixed(1)} ms</span>
          </div>
        );
      })}
    </div>
  );
}
