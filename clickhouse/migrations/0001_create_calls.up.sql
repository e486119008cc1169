-- One row per gateway call (model or API). The console reads it by tenant and time range first (call lists, KPIs,
-- bottlenecks), so the sort key starts with tenant, then day, then the exact time, then the id; monthly partitions
-- keep TTL drops and time-range pruning cheap. ReplacingMergeTree on that key makes a replayed batch idempotent:
-- the same call written twice collapses to one row (reads use FINAL where counts must be exact).
CREATE TABLE IF NOT EXISTS calls
(
    tenant LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    call_id String,
    team LowCardinality(String),
    user String,
    key_id String,
    workflow String,
    run_id String,
    step String,
    trace_id String,
    api LowCardinality(String),
    provider LowCardinality(String),
    deployment String,
    requested_model LowCardinality(String),
    served_model LowCardinality(String),
    stream Bool,
    status UInt16,
    error_code LowCardinality(String),
    error_message String,
    first_byte_ms Float64,
    duration_ms Float64,
    input_tokens UInt32,
    output_tokens UInt32,
    cached_input_tokens UInt32,
    cost_micros UInt64,
    attempts UInt8,
    decision LowCardinality(String),
    decision_reasons Array(String),
    policy_revision String,
    pii_counts Map(LowCardinality(String), UInt32),
    approval_id String,
    labels Map(String, String),
    INDEX idx_call_id call_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_run run_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (tenant, toDate(received_at), received_at, call_id)
TTL toDateTime(received_at) + INTERVAL {{metadata_ttl_days}} DAY
