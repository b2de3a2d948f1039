import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { get, qs } from '../api.ts';
import { fmtDateTime, fmtNumber } from '../format.ts';
import { useCan } from '../session.tsx';
import type { Page, Segment } from '../types.ts';
import { DataTable, type SortState } from '../ui/data-table.tsx';
import { useDebounced } from '../ui/hooks.ts';
import { Empty, ErrorBox, Loading, PageHeader } from '../ui/states.tsx';

const PAGE = 50;

export function SegmentsPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const can = useCan();
  const [q, setQ] = useState(params.get('q') ?? '');
  const search = useDebounced(q, 250);
  const sortParam = params.get('sort') ?? 'name';
  const sort: SortState = { column: sortParam.replace(/^-/, ''), desc: sortParam.startsWith('-') };
  const offset = Number(params.get('offset') ?? 0);
  const setParam = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k !== 'offset') next.delete('offset');
    setParams(next, { replace: true });
  };

  const segments = useQuery({
    queryKey: ['segments', 'page', search, sortParam, offset],
    queryFn: ({ signal }) => get<Page<Segment> & { total: number }>(`/v1/segments${qs({ q: search, sort: sortParam, offset, limit: PAGE })}`, signal),
    placeholderData: keepPreviousData,
  });

  const columns = useMemo<ColumnDef<Segment, any>[]>(() => [
    {
      id: 'name', header: 'Name',
      cell: ({ row }) => (
        <span>
          <Link to={`/segments/${row.original.id}`} onClick={(e) => e.stopPropagation()}>{row.original.name}</Link>
          {row.original.predefined && <span className="badge" title="Predefined: read-only, may be duplicated">predefined</span>}
          {row.original.status !== 'ready' && <span className={`badge badge-${row.original.status}`}>{row.original.status}</span>}
          {row.original.description && <div className="muted small">{row.original.description}</div>}
        </span>
      ),
    },
    { id: 'member_count', header: 'Members', cell: ({ row }) => <span className="num">{fmtNumber(row.original.member_count)}</span> },
    {
      id: 'used', header: 'Used by',
      cell: ({ row }) => row.original.used_by.length === 0 ? <span className="muted">—</span> : row.original.used_by.map((u) => `${u.kind} ${u.name}${u.active ? '' : ' (inactive)'}`).join(', '),
    },
    { id: 'created_at', header: 'Created', cell: ({ row }) => fmtDateTime(row.original.created_at) },
    { id: 'updated_at', header: 'Updated', cell: ({ row }) => fmtDateTime(row.original.updated_at) },
  ], []);

  const total = segments.data?.total ?? 0;
  return (
    <div className="page">
      <PageHeader title="Segments" subtitle={segments.data ? `${fmtNumber(total)} segments` : undefined}
        actions={can.write && <Link className="button primary" to="/segments/new">New segment</Link>} />
      <div className="toolbar">
        <input type="search" className="grow" placeholder="Search segments by name…" aria-label="Search segments" value={q}
          onChange={(e) => { setQ(e.target.value); setParam('offset', undefined); }} />
        <label className="inline small">Sort
          <select value={sortParam} onChange={(e) => setParam('sort', e.target.value)}>
            <option value="name">Name A–Z</option>
            <option value="-member_count">Most members</option>
            <option value="-used">Currently used</option>
            <option value="-created_at">Newest</option>
            <option value="-updated_at">Recently updated</option>
          </select>
        </label>
      </div>
      {segments.error ? <ErrorBox error={segments.error} retry={() => segments.refetch()} /> : segments.isPending ? <Loading /> : segments.data.data.length === 0 ? (
        <Empty title={search ? 'No segment matches.' : 'No segments yet.'}>{can.write && <Link to="/segments/new">Build the first one</Link>}</Empty>
      ) : (
        <>
          <DataTable columns={columns} data={segments.data.data} getRowId={(s) => s.id} caption="Segments"
            sort={sort} sortable={['name', 'member_count', 'used', 'created_at', 'updated_at']}
            onSortChange={(s) => setParam('sort', `${s.desc ? '-' : ''}${s.column}`)}
            onRowOpen={(s) => navigate(`/segments/${s.id}`)} />
          {total > PAGE && (
            <nav className="pager" aria-label="Pages">
              <button type="button" disabled={offset === 0} onClick={() => setParam('offset', String(Math.max(0, offset - PAGE)) || undefined)}>← Previous</button>
              <span className="muted">{offset + 1}–{Math.min(offset + PAGE, total)} of {fmtNumber(total)}</span>
              <button type="button" disabled={offset + PAGE >= total} onClick={() => setParam('offset', String(offset + PAGE))}>Next →</button>
            </nav>
          )}
        </>
      )}
    </div>
  );
}
