-- name: list-custom
-- A workspace's own channels (the built-in ones are defined in code).
SELECT name, label, created_at FROM channels WHERE workspace_id = $1 ORDER BY name;

-- name: get-custom
-- One custom channel.
SELECT name, label, created_at FROM channels WHERE workspace_id = $1 AND name = $2;

-- name: insert-custom
-- A new channel; no row back when the name is taken.
INSERT INTO channels (workspace_id, name, label, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING
RETURNING name, label, created_at;

-- name: subscriber-counts
-- Subscribers (profiles subscribed on the channel) per channel.
SELECT channel, count(*) AS subscribers FROM consents WHERE workspace_id = $1 AND status = 'subscribed' GROUP BY channel;
