import type { ImportRow } from './store.ts';

export interface ImportProgress {
  /** Data rows in the file (from the analysis), and how many are read. */
  rows_total: number | null;
  rows_read: number;
  percent: number | null;
  rows_per_second: number | null;
  /** Seconds left at the current rate, while running. */
  eta_seconds: number | null;
}

/** Rate and time left of an import at `now`: rows read over the time since it started (or until it ended). */
export function importProgress(row: ImportRow, now: Date): ImportProgress {
  const total = row.total_rows;
  const end = row.finished_at ?? now;
  const seconds = row.started_at ? (end.getTime() - row.started_at.getTime()) / 1000 : 0;
  const rate = seconds > 0 && row.rows_read > 0 ? row.rows_read / seconds : null;
  const left = total === null ? null : Math.max(0, total - row.rows_read);
  return {
    rows_total: total,
    rows_read: row.rows_read,
    percent: total ? Math.min(100, Math.round((1000 * row.rows_read) / total) / 10) : total === 0 ? 100 : null,
    rows_per_second: rate === null ? null : Math.round(rate),
    eta_seconds: row.status === 'running' && rate && left !== null ? Math.ceil(left / rate) : null,
  };
}
