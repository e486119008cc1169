/**
 * OTLP/HTTP, both ways: the gateway's spans go out to any collector named by OTEL_EXPORTER_OTLP_ENDPOINT (through
 * OpenTelemetry JS), and agents' own spans come in as OTLP JSON or protobuf at POST /v1/traces, so they join the same workflow
 * run in the trace store.
 */
import { chTimeMicros, type SpanRow } from '@airlock/clickhouse';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type IdGenerator } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const STATUS = ['UNSET', 'OK', 'ERROR'] as const;

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: { key: string; value?: AnyValue }[] };
};

const AnyValueSchema: z.ZodType<AnyValue> = z.lazy(() =>
  z
    .object({
      stringValue: z.string().optional(),
      intValue: z.union([z.string(), z.number()]).optional(),
      doubleValue: z.number().optional(),
      boolValue: z.boolean().optional(),
      bytesValue: z.string().optional(),
      arrayValue: z.object({ values: z.array(AnyValueSchema).optional() }).optional(),
      kvlistValue: z.object({ values: z.array(z.object({ key: z.string(), value: AnyValueSchema.optional() })).optional() }).optional(),
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
    startTimeUnixNano: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]),
    endTimeUnixNano: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]),
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
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return JSON.stringify((v.arrayValue.values ?? []).map(flatten));
  if (v.kvlistValue) return JSON.stringify(Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, flatten(kv.value)])));
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

const EXPORT_INTERVAL_MS = 1_000;
const MAX_QUEUE = 10_000;

const KIND: Record<string, SpanKind> = {
  INTERNAL: SpanKind.INTERNAL,
  SERVER: SpanKind.SERVER,
  CLIENT: SpanKind.CLIENT,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};
const STATUS_CODES: Record<SpanRow['status_code'], SpanStatusCode> = { UNSET: SpanStatusCode.UNSET, OK: SpanStatusCode.OK, ERROR: SpanStatusCode.ERROR };

/** The spans the gateway already built keep their ids: the SDK takes them from here instead of making new ones. */
class RecordedIds implements IdGenerator {
  traceId = '';
  spanId = '';
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return this.spanId;
  }
}

function epochMs(chTime: string): number {
  return Date.parse(`${chTime.replace(' ', 'T').slice(0, 23)}Z`);
}

/**
 * Exports the gateway's spans over OTLP/HTTP with OpenTelemetry JS (BasicTracerProvider, BatchSpanProcessor,
 * OTLPTraceExporter), with the same ids, times and attributes as the spans stored in ClickHouse. A collector that is
 * down costs dropped export batches, never a slower call: the trace store keeps the record regardless.
 */
export class OtlpExporter {
  readonly #ids = new RecordedIds();
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;

  constructor(endpoint: string, serviceName = 'airlock-gateway') {
    this.#provider = new BasicTracerProvider({
      idGenerator: this.#ids,
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }), {
          scheduledDelayMillis: EXPORT_INTERVAL_MS,
          maxQueueSize: MAX_QUEUE,
        }),
      ],
    });
    this.#tracer = this.#provider.getTracer('airlock-gateway');
  }

  export(spans: readonly SpanRow[]): void {
    for (const s of spans) {
      this.#ids.traceId = s.trace_id;
      this.#ids.spanId = s.span_id;
      const parent = s.parent_span_id
        ? trace.setSpanContext(ROOT_CONTEXT, { traceId: s.trace_id, spanId: s.parent_span_id, traceFlags: TraceFlags.SAMPLED, isRemote: true })
        : ROOT_CONTEXT;
      const start = epochMs(s.start_time);
      const span = this.#tracer.startSpan(s.name, { kind: KIND[s.kind] ?? SpanKind.INTERNAL, startTime: start, attributes: s.attributes }, parent);
      span.setStatus({ code: STATUS_CODES[s.status_code], ...(s.status_message ? { message: s.status_message } : {}) });
      span.end(start + s.duration_ms);
    }
  }

  async close(): Promise<void> {
    await this.#provider.shutdown();
  }
}
