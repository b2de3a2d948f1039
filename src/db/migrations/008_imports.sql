-- Profile imports from files (.csv, .tsv, .txt, .xlsx, .zip): the import, its resume point and its
-- rejected rows. Coordinator-local on Citus (like jobs: a queue claimed with FOR UPDATE SKIP LOCKED).
-- A batch of rows, the resume point after it and its counts commit in one transaction, so an import
-- that stops (crash, restart) goes on from the last committed batch and never writes a row twice.

CREATE TABLE imports (
  id            uuid PRIMARY KEY,
  workspace_id  uuid NOT NULL,
  status        text NOT NULL CHECK (status IN ('analyzing', 'ready', 'running', 'done', 'failed', 'cancelled')),
  file_name     text NOT NULL,             -- as uploaded; its extension gives the format
  file_path     text NOT NULL,             -- where the stored file is, until the import ends
  file_size     bigint NOT NULL,
  options       jsonb NOT NULL,            -- how the file is read: delimiter, sheet, skip_rows, header, encoding
  analysis      jsonb,                     -- the last analysis (columns, types, preview, suggested mapping)
  plan          jsonb,                     -- the run, fixed when it starts: mapping by column, mode, list, tags
  total_rows    integer,                   -- data rows, from the analysis
  rows_done     integer NOT NULL DEFAULT 0, -- resume point: the file's rows up to this row number are committed
  byte_offset   bigint,                    -- resume point in bytes (plain delimited text), just after row rows_done
  rows_read     integer NOT NULL DEFAULT 0,  -- data rows read (blank rows are not counted)
  created       integer NOT NULL DEFAULT 0,
  updated       integer NOT NULL DEFAULT 0,
  unchanged     integer NOT NULL DEFAULT 0,
  rejected      integer NOT NULL DEFAULT 0,
  error         text,
  attempts      integer NOT NULL DEFAULT 0,
  locked_by     text,
  locked_until  timestamptz,
  created_at    timestamptz NOT NULL,
  started_at    timestamptz,
  finished_at   timestamptz,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX imports_workspace ON imports (workspace_id, created_at DESC);
CREATE INDEX imports_running ON imports (started_at, id) WHERE status = 'running';

-- Rows an import did not apply, with the reason, in the same transaction as their batch.
CREATE TABLE import_rejections (
  import_id  uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  file_row   integer NOT NULL,             -- the row number in the file (or sheet), as a person counts
  column_name text,                        -- the column at fault, when one is
  reason     text NOT NULL,
  cells      text[] NOT NULL,              -- the row as it was in the file
  PRIMARY KEY (import_id, file_row)
);
