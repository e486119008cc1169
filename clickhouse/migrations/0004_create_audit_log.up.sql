-- The audit trail: every decision and administrative act, each entry holding the SHA-256 of the one before it, so
-- that a changed, removed or inserted entry breaks the chain. Append-only: no TTL. Ordered by sequence number, the
-- order the chain is walked in.
CREATE TABLE IF NOT EXISTS audit_log
(
    seq UInt64,
    at DateTime64(3, 'UTC'),
    tenant LowCardinality(String),
    actor String,
    action LowCardinality(String),
    subject String,
    details String,
    prev_hash String,
    hash String
)
ENGINE = ReplacingMergeTree
ORDER BY seq
