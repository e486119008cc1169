-- The approval flow's event log: every state change of a held call (requested, vote, edit, claim, renew, executed,
-- failed, expired, delivered) is one row, never updated. State is a pure fold over an approval's rows in
-- (at, event_id) order, where `at` is the server's clock (the column default: gateways never set it), so every
-- replica that reads the same rows computes the same state and the same winner of a race (gateway/src/approvals/).
-- ReplacingMergeTree on event_id makes a replayed write (the write-ahead file) collapse into the row it repeats.
CREATE TABLE IF NOT EXISTS approval_events
(
    tenant LowCardinality(String),
    approval_id String,
    event_id String,
    at DateTime64(6, 'UTC') DEFAULT now64(6),
    kind LowCardinality(String),
    actor String,
    node String,
    data String
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, approval_id, event_id)
