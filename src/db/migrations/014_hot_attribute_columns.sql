-- Hot standard attributes as stored generated columns, so a segment count on them is an index-only scan.
-- The 009 expression indexes served the same tests, but PostgreSQL cannot answer a count from an
-- expression index alone: it visited the heap (bench/segments.ts Q1: ~25,500 of 27,000 pages for
-- "Par"). Each column holds exactly what the rule compiler (src/rules/sql/hot-columns.ts) would read
-- from the jsonb for a "regular" row, and hot_irregular marks the rows it cannot represent; the
-- compiler counts regular rows on the columns and irregular ones (rare) on the jsonb as before.
--   city_lower   lower-cased city when it is a JSON string (NULL for a number, list, null, missing):
--                serves starts_with / contains / ends_with, the operators the builder offers on text.
--   birth_day    the calendar day of birthdate (collation C: the order of 'YYYY-MM-DD') when it is a
--                valid bare date or a datetime without offset (its day as written); NULL when it is
--                not a date. Serves the derived age ranges and relative-date tests on birthdate.
--   hot_irregular  city is a list (any item may match), or birthdate looks like a datetime with an
--                offset (its day depends on the workspace zone): these rows keep the jsonb path.
-- The pattern is TEMPORAL_PATTERN (src/rules/time/temporal.ts; a test keeps them equal) and the
-- day-of-month check is temporal.ts dayFits. Country and the other standard strings are filtered with
-- `is` (jsonb equality, case-sensitive and typed), which a lower-cased column cannot serve, so they
-- are not added: each column costs every profile write and a bigger row.
-- STORED is explicit: PostgreSQL 18 (PGlite) makes generated columns virtual by default.
ALTER TABLE profiles
  ADD COLUMN city_lower text GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof(attributes -> 'city') = 'string' THEN lower(attributes ->> 'city') END
  ) STORED,
  ADD COLUMN birth_day text COLLATE "C" GENERATED ALWAYS AS (
    CASE WHEN (attributes ->> 'birthdate') ~ '^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ]([01][0-9]|2[0-3]):([0-5][0-9])(:([0-5][0-9])([.]([0-9]{1,9}))?)?(Z|([+-])(0[0-9]|1[0-5])(:?([0-5][0-9]))?)?)?$'
      AND jsonb_typeof(attributes -> 'birthdate') = 'string' AND (attributes ->> 'birthdate') !~ '[T ].*[Z+-]' THEN
      CASE WHEN substr(attributes ->> 'birthdate', 1, 4) <> '0000'
        AND substr(attributes ->> 'birthdate', 9, 2)::int <= CASE substr(attributes ->> 'birthdate', 6, 2)
          WHEN '02' THEN CASE WHEN substr(attributes ->> 'birthdate', 1, 4)::int % 4 = 0
            AND (substr(attributes ->> 'birthdate', 1, 4)::int % 100 <> 0 OR substr(attributes ->> 'birthdate', 1, 4)::int % 400 = 0) THEN 29 ELSE 28 END
          WHEN '04' THEN 30 WHEN '06' THEN 30 WHEN '09' THEN 30 WHEN '11' THEN 30 ELSE 31 END
      THEN substr(attributes ->> 'birthdate', 1, 10) END
    END
  ) STORED,
  ADD COLUMN hot_irregular boolean NOT NULL GENERATED ALWAYS AS (
    coalesce(jsonb_typeof(attributes -> 'city') = 'array', false) OR coalesce((attributes ->> 'birthdate') ~ '[T ].*[Z+-]', false)
  ) STORED;
-- Led by workspace_id (every query filters on it; on Citus the index lives beside its shard). Each hot
-- index carries the other hot column, so a rule on city and age (bench Q1) is answered by one
-- index-only scan, and profile_id, so a rule that also joins events or tags on it (Q3) still is
-- (without it Q3 fell back to a sequential scan of the heap). Partial on the regular rows, the only
-- rows the column-reading part of a query looks at. ~72 MB each for 1M profiles.
CREATE INDEX profiles_hot_city ON profiles (workspace_id, city_lower text_pattern_ops) INCLUDE (birth_day, profile_id) WHERE NOT hot_irregular;
CREATE INDEX profiles_hot_birth_day ON profiles (workspace_id, birth_day) INCLUDE (city_lower, profile_id) WHERE NOT hot_irregular;
-- The irregular rows, read through the jsonb (normally none).
CREATE INDEX profiles_hot_irregular ON profiles (workspace_id) WHERE hot_irregular;
-- Replaced: the compiler no longer reads these expressions on any row an index would help with.
DROP INDEX profiles_city_lower;
DROP INDEX profiles_birthdate;
-- Statistics for the new columns (PGlite has no autovacuum). The visibility map, which lets the scans
-- skip the heap, is rebuilt by the next VACUUM (adding the columns rewrote the table; VACUUM cannot
-- run inside the migration's transaction): until then the counts are right but read the heap.
ANALYZE profiles;
