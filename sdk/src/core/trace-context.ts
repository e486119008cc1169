/**
 * W3C trace context (https://www.w3.org/TR/trace-context/): the ids the SDK mints for runs and steps, so that
 * the gateway's spans for each call become children of the step that made it.
 */
import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface SpanContext {
  readonly traceId: string;
  readonly spanId: string;
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}

export const newTraceId = (): string => nonZeroHex(16);
export const newSpanId = (): string => nonZeroHex(8);

/** Always sampled: the gateway records every call anyway, and a step span without its calls would mislead. */
export const formatTraceparent = (span: SpanContext): string => `00-${span.traceId}-${span.spanId}-01`;

export function parseTraceparent(value: string | undefined): SpanContext | null {
  const m = value ? TRACEPARENT.exec(value.trim().toLowerCase()) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return null;
  return { traceId: m[1]!, spanId: m[2]! };
}
