import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorMessage, get } from '../../api.ts';
import { fmtDateTime, fmtNumber } from '../../format.ts';
import type { Import, ImportRejection, Res } from '../../types.ts';
import { downloadFrom } from '../../ui/download.ts';
import { ErrorBox, Loading } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';
import { Counts, ProgressBar } from './progress.tsx';

const PAGE = 50;

/** The last step: what the import did, its settings, and the rejected rows with their reasons. */
export function ImportResult({ imp }: { imp: Import }) {
  const s = imp.settings;
  return (
    <>
      <section className="card" aria-labelledby="result-title">
        <h2 id="result-title">{imp.status === 'done' ? 'Imported' : imp.status === 'failed' ? 'The import failed' : 'Cancelled'}</h2>
        {imp.status !== 'done' && s && <ProgressBar percent={imp.progress.percent} label="Rows read before it stopped" />}
        {imp.error && <ErrorBox error={new Error(imp.error)} />}
        <Counts counts={imp.counts} />
        {s && (
          <table className="kv">
            <tbody>
              <tr><th>Ran</th><td>{fmtDateTime(imp.started_at)} – {fmtDateTime(imp.finished_at)}</td></tr>
              <tr><th>Mode</th><td>{s.mode}{s.empty_cells === 'clear' ? ', empty cells clear attributes' : ''}</td></tr>
              <tr><th>Added to list</th><td>{s.list ? <Link to={`/lists/${s.list.id}`}>{s.list.name}</Link> : '—'}</td></tr>
              <tr><th>Tagged</th><td>{s.tags.length ? <Link to="/tags">{s.tags.join(', ')}</Link> : '—'}</td></tr>
              <tr><th>Columns</th><td className="small">{Object.entries(s.mapping).map(([c, t]) => `${c} → ${t}`).join(' · ') || '—'}</td></tr>
            </tbody>
          </table>
        )}
      </section>
      {imp.counts.rejected > 0 && <RejectedRows imp={imp} />}
    </>
  );
}

/** The rejected rows a page at a time, each with the column at fault, the reason and the value. */
function RejectedRows({ imp }: { imp: Import }) {
  const rows = useInfiniteQuery({
    queryKey: ['import', imp.id, 'rejections'],
    queryFn: ({ signal, pageParam }) =>
      get<Res<'/v1/imports/{id}/rejections', 'get'>>(`/v1/imports/${imp.id}/rejections?limit=${PAGE}&after=${pageParam}`, signal),
    initialPageParam: 0,
    getNextPageParam: (last) => last.next_after ?? undefined,
  });
  const names = imp.analysis?.columns.map((c) => c.name) ?? [];
  const value = (r: ImportRejection) => {
    const i = r.column === null ? -1 : names.indexOf(r.column);
    return i >= 0 ? r.cells[i] ?? '' : r.cells.join(', ');
  };
  const shown = rows.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section className="card" aria-labelledby="rejected-title">
      <div className="card-header">
        <h2 id="rejected-title">Rejected rows ({fmtNumber(imp.counts.rejected)})</h2>
        <RejectedDownload imp={imp} className="button">Download rejected rows (CSV)</RejectedDownload>
      </div>
      <p className="muted small">A row is imported whole or not at all. Fix these rows in the file (the download has them as they were, with the reason) and import it again: rows already imported are not duplicated.</p>
      {rows.isPending ? <Loading /> : rows.error ? <ErrorBox error={rows.error} retry={() => rows.refetch()} /> : (
        <>
          <div className="table-wrap">
            <table className="table compact rejected-rows">
              <caption className="sr-only">Rejected rows with their reasons</caption>
              <thead><tr><th className="num">Row</th><th>Column</th><th>Value</th><th>Reason</th></tr></thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.row}>
                    <td className="num">{r.row}</td>
                    <td>{r.column ?? <em>whole row</em>}</td>
                    <td className="cell-value">{value(r)}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rows.hasNextPage && (
            <button type="button" className="start" onClick={() => rows.fetchNextPage()} disabled={rows.isFetchingNextPage}>
              {rows.isFetchingNextPage ? 'Loading…' : `Show more (${fmtNumber(shown.length)} of ${fmtNumber(imp.counts.rejected)} shown)`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** The rejected rows as the CSV the API writes (every row, the reason, then the row as it was). */
export function RejectedDownload({ imp, className, children }: { imp: Import; className?: string; children: string }) {
  const toast = useToast();
  const name = `${imp.file.name.replace(/\.[^.]+$/, '')} rejected rows.csv`;
  return (
    <button type="button" className={className}
      onClick={(e) => { e.stopPropagation(); downloadFrom(imp.rejected_rows_url, name).catch((err) => toast(errorMessage(err), 'error')); }}>
      {children}
    </button>
  );
}
