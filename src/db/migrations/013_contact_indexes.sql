-- Profiles by their email and phone attribute: a Do-Not-Contact change (one entry, or an import of
-- thousands) looks up the profiles whose status it changes (dnc.sql profiles-with-contacts), and without
-- these it read every profile of the workspace for each change. Values are stored normalised (emails
-- lower-cased, phones E.164), so plain equality matches. Led by workspace_id, the distribution column.
CREATE INDEX profiles_email ON profiles (workspace_id, (attributes ->> 'email'));
CREATE INDEX profiles_phone ON profiles (workspace_id, (attributes ->> 'phone'));
