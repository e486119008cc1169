-- Request and response bodies, only ever as redacted text, kept apart from the call metadata so that they can have
-- a shorter retention (their own TTL) and heavy compression without slowing the metadata scans.
CREATE TABLE IF NOT EXISTS call_bodies
(
    tenant LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    call_id String,
    request_text String CODEC(ZSTD(3)),
    response_text String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (tenant, toDate(received_at), call_id)
TTL toDateTime(received_at) + INTERVAL {{body_ttl_days}} DAY
