import { fmtNumber } from '../../format.ts';
import type { Import } from '../../types.ts';

/** The running step: a progress bar over the rows read, the rate, the time left and the counts so far. */
export function ImportProgress({ imp }: { imp: Import }) {
  const p = imp.progress;
  return (
    <section className="card" aria-labelledby="progress-title">
      <h2 id="progress-title">Importing…</h2>
      <ProgressBar percent={p.percent} label="Import progress" />
      <p className="muted" aria-live="polite">
        {fmtNumber(p.rows_read)} of {fmtNumber(p.rows_total)} rows
        {p.rows_per_second !== null && <> · {fmtNumber(p.rows_per_second)} rows/s</>}
        {p.eta_seconds !== null && <> · about {duration(p.eta_seconds)} left</>}
      </p>
      <Counts counts={imp.counts} />
      <p className="muted small">
        The import runs on the server: you can leave this page. A run interrupted by a restart goes on by
        itself from its last committed batch.
      </p>
    </section>
  );
}

export function ProgressBar({ percent, label }: { percent: number | null; label: string }) {
  const value = percent ?? 0;
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100}
      aria-valuenow={percent ?? undefined} aria-valuetext={percent === null ? 'starting' : `${value}%`}>
      <div className="progress-fill" style={{ width: `${value}%` }} />
      <span className="progress-text">{percent === null ? '…' : `${value}%`}</span>
    </div>
  );
}

const COUNT_LABELS = [['read', 'Rows read'], ['created', 'Created'], ['updated', 'Updated'], ['unchanged', 'Unchanged'], ['rejected', 'Rejected']] as const;

export function Counts({ counts }: { counts: Import['counts'] }) {
  return (
    <dl className="import-counts">
      {COUNT_LABELS.map(([k, label]) => (
        <div key={k} className={k === 'rejected' && counts.rejected > 0 ? 'rejected' : undefined} data-testid={`count-${k}`}>
          <dt>{label}</dt>
          <dd>{fmtNumber(counts[k])}</dd>
        </div>
      ))}
    </dl>
  );
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.round(seconds / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
