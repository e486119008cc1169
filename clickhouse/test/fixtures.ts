import { chTime, type CallRow, type SpanRow } from '../src/index.js';

export function callRow(overrides: Partial<CallRow> & { call_id: string }): CallRow {
  return {
    tenant: 'acme',
    received_at: chTime(Date.UTC(2026, 10, 24, 12, 0, 0)),
    team: 'support',
    user: 'ann',
    key_id: 'key_1',
    workflow: '',
    run_id: '',
    step: '',
    trace_id: 't'.repeat(32),
    api: 'openai.chat',
    provider: 'openai',
    deployment: 'openai/gpt-4o',
    requested_model: 'gpt-4o',
    served_model: 'gpt-4o-2024-08-06',
    stream: false,
    status: 200,
    error_code: '',
    error_message: '',
    first_byte_ms: 100,
    duration_ms: 200,
    input_tokens: 10,
    output_tokens: 5,
    cached_input_tokens: 0,
    cost_micros: 75,
    attempts: 1,
    decision: 'allow',
    decision_reasons: [],
    policy_revision: '',
    pii_counts: {},
    approval_id: '',
    labels: {},
    ...overrides,
  };
}

export function spanRow(overrides: Partial<SpanRow> & { span_id: string; call_id: string }): SpanRow {
  return {
    tenant: 'acme',
    start_time: chTime(Date.UTC(2026, 10, 24, 12, 0, 0)),
    trace_id: 't'.repeat(32),
    parent_span_id: '',
    name: 'chat gpt-4o',
    kind: 'CLIENT',
    duration_ms: 150,
    status_code: 'OK',
    status_message: '',
    attributes: { 'gen_ai.system': 'openai' },
    ...overrides,
  };
}
