import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { get } from '../../api.ts';
import { fmtDateTime, fmtNumber } from '../../format.ts';
import { useCan } from '../../session.tsx';
import type { Import } from '../../types.ts';
import { DataTable } from '../../ui/data-table.tsx';
import { Empty, ErrorBox, Loading, PageHeader } from '../../ui/states.tsx';
import { RejectedDownload } from './result.tsx';
import { isActive, StatusBadge } from './status.tsx';

/** Past and running imports, newest first (the API keeps the last 100); polled while one is running. */
export function ImportsPage() {
  const can = useCan();
  const navigate = useNavigate();
  const imports = useQuery({
    queryKey: ['imports'],
    queryFn: ({ signal }) => get<{ data: Import[] }>('/v1/imports', signal).then((r) => r.data),
    refetchInterval: (q) => (q.state.data?.some((i) => isActive(i.status)) ? 2000 : false),
  });
  const columns = useMemo<ColumnDef<Import, any>[]>(() => [
    {
      id: 'file', header: 'File',
      cell: ({ row }) => <Link to={`/imports/${row.original.id}`} onClick={(e) => e.stopPropagation()}>{row.original.file.name}</Link>,
    },
    { id: 'status', header: 'Status', cell: ({ row }) => <StatusBadge status={row.original.status} /> },
    { id: 'rows', header: () => <span className="num">Rows</span>, cell: ({ row }) => <div className="num">{rowsText(row.original)}</div> },
    { id: 'created', header: () => <span className="num">Created</span>, cell: ({ row }) => <div className="num">{fmtNumber(row.original.counts.created)}</div> },
    { id: 'updated', header: () => <span className="num">Updated</span>, cell: ({ row }) => <div className="num">{fmtNumber(row.original.counts.updated)}</div> },
    {
      id: 'rejected', header: () => <span className="num">Rejected</span>,
      cell: ({ row }) => <div className={`num${row.original.counts.rejected ? ' warn-text' : ''}`}>{fmtNumber(row.original.counts.rejected)}</div>,
    },
    { id: 'created_at', header: 'Uploaded', cell: ({ row }) => fmtDateTime(row.original.created_at) },
    {
      id: 'rejected_rows', header: 'Download',
      cell: ({ row }) => (row.original.counts.rejected > 0
        ? <RejectedDownload imp={row.original} className="link">Rejected rows (CSV)</RejectedDownload>
        : null),
    },
  ], []);

  return (
    <div className="page">
      <PageHeader title="Imports" subtitle="Profiles from CSV, text, Excel or zip files: upload, map the columns, import."
        actions={can.write && <Link className="button primary" to="/imports/new">New import</Link>} />
      {imports.isPending ? <Loading /> : imports.error ? <ErrorBox error={imports.error} retry={() => imports.refetch()} /> : imports.data.length === 0 ? (
        <Empty title="No imports yet.">
          {can.write ? <p><Link to="/imports/new">Import a file of profiles</Link>: a CRM export, a spreadsheet, a list from another tool.</p>
            : <p className="muted">Editors and admins can import files of profiles.</p>}
        </Empty>
      ) : (
        <DataTable columns={columns} data={imports.data} getRowId={(i) => i.id} caption="Imports, newest first"
          onRowOpen={(i) => navigate(`/imports/${i.id}`)} />
      )}
    </div>
  );
}

/** "120 of 1,000" while running, the total otherwise. */
function rowsText(i: Import): string {
  const { rows_read, rows_total } = i.progress;
  if (i.status === 'running') return `${fmtNumber(rows_read)} of ${fmtNumber(rows_total)}`;
  return fmtNumber(i.status === 'done' ? rows_read : rows_total);
}
