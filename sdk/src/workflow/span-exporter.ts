/**
 * Run and step spans, sent to the gateway's OTLP/HTTP endpoint as JSON so they land in the same trace store as
 * the gateway's own spans. Export never fails the workflow: a gateway that cannot take spans costs the trace, not
 * the run.
 */
import type { NormalizedOptions } from '../core/options.js';
import type { SpanContext } from '../core/trace-context.js';

export interface FinishedSpan extends SpanContext {
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Readonly<Record<string, string>>;
  readonly error: string | undefined;
}

const STATUS_OK = 1;
const STATUS_ERROR = 2;
const SPAN_KIND_INTERNAL = 1;

const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

export function toOtlp(spans: readonly FinishedSpan[], serviceName: string): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
        scopeSpans: [
          {
            scope: { name: '@airlock/sdk' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: SPAN_KIND_INTERNAL,
              startTimeUnixNano: nanos(s.startMs),
              endTimeUnixNano: nanos(s.endMs),
              attributes: Object.entries(s.attributes).map(([key, value]) => ({ key, value: { stringValue: value } })),
              status: s.error === undefined ? { code: STATUS_OK } : { code: STATUS_ERROR, message: s.error },
            })),
          },
        ],
      },
    ],
  };
}

export class SpanExporter {
  readonly #options: NormalizedOptions;
  readonly #serviceName: string;
  #warned = false;

  constructor(options: NormalizedOptions, serviceName: string) {
    this.#options = options;
    this.#serviceName = serviceName;
  }

  /** Resolves once the gateway answered (or the export was given up); never rejects. */
  async export(spans: readonly FinishedSpan[]): Promise<void> {
    const url = this.#options.tracesURL;
    if (!url || spans.length === 0) return;
    try {
      const res = await this.#options.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.#options.apiKey ? { authorization: `Bearer ${this.#options.apiKey}` } : {}),
        },
        body: JSON.stringify(toOtlp(spans, this.#serviceName)),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      await res.body?.cancel();
      if (!res.ok) this.#warn(`the gateway answered ${res.status}`);
    } catch (error) {
      this.#warn((error as Error).message);
    }
  }

  #warn(why: string): void {
    if (this.#warned) return;
    this.#warned = true;
    process.emitWarning(`@airlock/sdk could not export workflow spans to ${this.#options.tracesURL}: ${why}`, 'AirlockWarning');
  }
}
