-- Spans with OpenTelemetry GenAI attributes: the gateway's own (one per call, one per upstream attempt) and those
-- agents send to /v1/traces. Read by trace and by call, within a tenant and a time range.
CREATE TABLE IF NOT EXISTS spans
(
    tenant LowCardinality(String),
    start_time DateTime64(6, 'UTC'),
    trace_id String,
    span_id String,
    parent_span_id String,
    call_id String,
    name LowCardinality(String),
    kind LowCardinality(String),
    duration_ms Float64,
    status_code LowCardinality(String),
    status_message String,
    attributes Map(LowCardinality(String), String),
    INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_span_call call_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(start_time)
ORDER BY (tenant, toDate(start_time), trace_id, span_id)
TTL toDateTime(start_time) + INTERVAL {{metadata_ttl_days}} DAY
