DROP TABLE IF EXISTS approval_events
