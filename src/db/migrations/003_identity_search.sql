-- Profile search by identifier prefix (GET /v1/profiles?q=): LIKE 'prefix%' on identities.value needs
-- an index in text_pattern_ops, whatever the database collation.
CREATE INDEX identities_value_prefix ON identities (workspace_id, value text_pattern_ops);
