-- Virtual API keys, shared by every gateway replica. Only SHA-256 hashes are stored. A revocation writes a newer
-- version of the row; ReplacingMergeTree(version) keeps the latest.
CREATE TABLE IF NOT EXISTS api_keys
(
    id String,
    hash String,
    prefix String,
    tenant LowCardinality(String),
    team String,
    user String,
    roles Array(String),
    created_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id
