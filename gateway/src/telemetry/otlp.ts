/**
 * OTLP/HTTP JSON, both ways: the gateway's spans go out to any collector named by OTEL_EXPORTER_OTLP_ENDPOINT, and
 * agents' own spans come in at POST /v1/traces, so they join the same workflow run in the trace store.
 */
import { chTimeMicros, type SpanRow } from '@airlock/clickhouse';
import { z } from 'zod';

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const STATUS = ['UNSET', 'OK', 'ERROR'] as const;

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } };

const AnyValueSchema: z.ZodType<AnyValue> = z.lazy(() =>
  z
    .object({
      stringValue: z.string().optional(),
      intValue: z.union([z.string(), z.number()]).optional(),
      doubleValue: z.number().optional(),
      boolValue: z.boolean().optional(),
      arrayValue: z.object({ values: z.array(AnyValueSchema).optional() }).optional(),
    })
    .loose(),
);
const AttributesSchema = z.array(z.object({ key: z.string(), value: AnyValueSchema.optional() }).loose()).default([]);
const hexId = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `${bytes * 2} hex digits`);

const SpanSchema = z
  .object({
    traceId: hexId(16),
    spanId: hexId(8),
    parentSpanId: z.union([hexId(8), z.literal('')]).optional(),
    name: z.string(),
    kind: z.union([z.number().int().min(0).max(5), z.enum(KINDS.map((k) => `SPAN_KIND_${k}`) as [string, ...string[]])]).optional(),
    startTimeUnixNano: z.union([z.string().regex(/^\d+$/), z.number()]),
    endTimeUnixNano: z.union([z.string().regex(/^\d+$/), z.number()]),
    attributes: AttributesSchema,
    status: z.object({ code: z.union([z.number().int().min(0).max(2), z.string()]).optional(), message: z.string().optional() }).loose().optional(),
  })
  .loose();

export const OtlpTracesSchema = z
  .object({
    resourceSpans: z.array(
      z
        .object({
          resource: z.object({ attributes: AttributesSchema }).loose().optional(),
          scopeSpans: z.array(z.object({ spans: z.array(SpanSchema).default([]) }).loose()).default([]),
        })
        .loose(),
    ),
  })
  .loose();

function flatten(v: AnyValue | undefined): string {
  if (!v) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.arrayValue) return JSON.stringify((v.arrayValue.values ?? []).map(flatten));
  return '';
}

function kindName(kind: number | string | undefined): string {
  if (typeof kind === 'string') return kind.replace('SPAN_KIND_', '');
  return KINDS[kind ?? 0] ?? 'UNSPECIFIED';
}

function statusName(code: number | string | undefined): SpanRow['status_code'] {
  if (typeof code === 'string') return code.endsWith('ERROR') ? 'ERROR' : code.endsWith('OK') ? 'OK' : 'UNSET';
  return STATUS[code ?? 0] ?? 'UNSET';
}

/** Incoming OTLP JSON → span rows for the caller's tenant. Resource attributes are kept with a `resource.` prefix. */
export function otlpToSpans(body: z.infer<typeof OtlpTracesSchema>, tenant: string): SpanRow[] {
  const rows: SpanRow[] = [];
  for (const rs of body.resourceSpans) {
    const resource = Object.fromEntries((rs.resource?.attributes ?? []).map((a) => [`resource.${a.key}`, flatten(a.value)]));
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        const start = BigInt(s.startTimeUnixNano);
        const end = BigInt(s.endTimeUnixNano);
        const attributes = { ...resource, ...Object.fromEntries(s.attributes.map((a) => [a.key, flatten(a.value)])) };
        rows.push({
          tenant,
          start_time: chTimeMicros(Number(start / 1000n)),
          trace_id: s.traceId.toLowerCase(),
          span_id: s.spanId.toLowerCase(),
          parent_span_id: (s.parentSpanId ?? '').toLowerCase(),
          call_id: attributes['airlock.call_id'] ?? '',
          name: s.name,
          kind: kindName(s.kind),
          duration_ms: Number(end - start) / 1e6,
          status_code: statusName(s.status?.code),
          status_message: s.status?.message ?? '',
          attributes,
        });
      }
    }
  }
  return rows;
}

function nanos(chTime: string): string {
  const [date, time] = chTime.split(' ');
  const [hms, frac = ''] = time!.split('.');
  const ms = Date.parse(`${date}T${hms}Z`);
  return (BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9))).toString();
}

/** Span rows → an OTLP JSON export request. */
export function spansToOtlp(spans: readonly SpanRow[], serviceName: string): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
        scopeSpans: [
          {
            scope: { name: 'airlock-gateway' },
            spans: spans.map((s) => {
              const start = nanos(s.start_time);
              return {
                traceId: s.trace_id,
                spanId: s.span_id,
                parentSpanId: s.parent_span_id,
                name: s.name,
                kind: Math.max(0, KINDS.indexOf(s.kind as (typeof KINDS)[number])),
                startTimeUnixNano: start,
                endTimeUnixNano: (BigInt(start) + BigInt(Math.round(s.duration_ms * 1e6))).toString(),
                attributes: Object.entries(s.attributes).map(([key, value]) => ({ key, value: { stringValue: value } })),
                status: { code: STATUS.indexOf(s.status_code), message: s.status_message },
              };
            }),
          },
        ],
      },
    ],
  };
}

const EXPORT_INTERVAL_MS = 1_000;
const MAX_QUEUE = 10_000;

/**
 * Batches spans and posts them to `${endpoint}/v1/traces` off the request path. A collector that is down costs
 * dropped export batches (counted), never a slower call: the trace store keeps the record regardless.
 */
export class OtlpExporter {
  #queue: SpanRow[] = [];
  #timer: NodeJS.Timeout;
  dropped = 0;

  constructor(private readonly endpoint: string, private readonly serviceName = 'airlock-gateway') {
    this.#timer = setInterval(() => void this.flush(), EXPORT_INTERVAL_MS);
    this.#timer.unref();
  }

  export(spans: readonly SpanRow[]): void {
    const room = MAX_QUEUE - this.#queue.length;
    this.#queue.push(...spans.slice(0, Math.max(0, room)));
    this.dropped += Math.max(0, spans.length - room);
  }

  async flush(): Promise<void> {
    if (!this.#queue.length) return;
    const batch = this.#queue.splice(0);
    try {
      const res = await fetch(`${this.endpoint.replace(/\/+$/, '')}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(spansToOtlp(batch, this.serviceName)),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) this.dropped += batch.length;
      await res.arrayBuffer();
    } catch {
      this.dropped += batch.length;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
