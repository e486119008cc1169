-- The audit trail, one chain per tenant: entries are numbered 1, 2, 3… within their tenant, and each holds the
-- SHA-256 of the entry before it plus an HMAC seal under a key kept outside the store. Replaces audit_log (one
-- global, unkeyed chain), which is left as it was for reference. Append-only: no TTL.
CREATE TABLE IF NOT EXISTS audit_trail
(
    tenant LowCardinality(String),
    seq UInt64,
    at DateTime64(3, 'UTC'),
    actor String,
    action LowCardinality(String),
    subject String,
    details String,
    prev_hash String,
    hash String,
    mac String
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, seq)
