-- Segment rules on the hot standard attributes (src/rules/sql): `starts_with` on city compiles to
-- lower(attributes ->> 'city') LIKE 'prefix%' (text_pattern_ops serves a LIKE prefix in any collation),
-- and age / date ranges on birthdate to a text range on the stored 'YYYY-MM-DD' (collation C, the
-- order of those strings). bench/segments.ts Q1 (city starts_with "Lo" and age 25–40, 1M profiles)
-- reads the two ranges and their intersection instead of every profile. Two small btree entries per
-- profile write; attributes of other names are not indexed (add them here when a bench shows the need).
CREATE INDEX profiles_city_lower ON profiles (workspace_id, lower(attributes ->> 'city') text_pattern_ops);
CREATE INDEX profiles_birthdate ON profiles (workspace_id, ((attributes ->> 'birthdate') COLLATE "C"));
-- Statistics for the two expressions (ANALYZE keeps them per expression index). Without them the
-- planner guesses these ranges are tiny and, on PGlite (no autovacuum), nests a 15k-profile loop over
-- the grouped events (bench Q3: 55 s instead of 0.7 s).
ANALYZE profiles;
