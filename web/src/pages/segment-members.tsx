import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ColumnDef, RowSelectionState } from '@tanstack/react-table';
import { useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { get, qs } from '../api.ts';
import { downloadCsv, fmtDateTime, personName } from '../format.ts';
import type { ListMember, Page, SegmentMember } from '../types.ts';
import { BulkActions } from '../ui/bulk-actions.tsx';
import { CursorPager, DataTable } from '../ui/data-table.tsx';
import { Empty, ErrorBox, Loading } from '../ui/states.tsx';

/** A list's member row has added_at, a segment's entered_at (null while the segment is building). */
type Member = ListMember | SegmentMember;
const memberSince = (m: Member) => ('added_at' in m ? m.added_at : m.entered_at);

/**
 * Members of a segment or a list, page by page, with selection and the server's CSV export of all of them.
 * `selectionActions` adds actions of the page's own for the selected profiles (a list's "Remove from list").
 */
export function MembersTable({ base, exportName, dateField, dateLabel, selectionActions }: {
  base: string; exportName: string; dateField: 'entered_at' | 'added_at'; dateLabel: string;
  selectionActions?: (ids: string[], clear: () => void) => ReactNode;
}) {
  const navigate = useNavigate();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selection, setSelection] = useState<RowSelectionState>({});
  const cursor = cursors[cursors.length - 1];
  const members = useQuery({
    queryKey: ['members', base, cursor],
    queryFn: ({ signal }) => get<Page<Member>>(`${base}/members${qs({ cursor, limit: 50 })}`, signal),
    placeholderData: keepPreviousData,
  });
  const columns = useMemo<ColumnDef<Member, any>[]>(() => [
    { id: 'name', header: 'Name', cell: ({ row }) => <Link to={`/people/${row.original.profile_id}`} onClick={(e) => e.stopPropagation()}>{personName(row.original)}</Link> },
    { id: 'email', header: 'Email', cell: ({ row }) => row.original.email ?? '—' },
    { id: 'phone', header: 'Phone', cell: ({ row }) => row.original.phone ?? '—' },
    { id: 'external_id', header: 'External id', cell: ({ row }) => row.original.external_id ?? '—' },
    { id: dateField, header: dateLabel, cell: ({ row }) => fmtDateTime(memberSince(row.original)) },
  ], [dateField, dateLabel]);
  const rows = members.data?.data ?? [];
  const selected = rows.filter((r) => selection[r.profile_id]);
  return (
    <section className="card" aria-labelledby="members-title">
      <div className="card-header">
        <h2 id="members-title">Members</h2>
        <a className="button" href={`${base}/members?format=csv`} download={exportName}>Export all (CSV)</a>
      </div>
      {selected.length > 0 && selectionActions?.(selected.map((r) => r.profile_id), () => setSelection({}))}
      {selected.length > 0 && (
        <BulkActions target={{ ids: selected.map((r) => r.profile_id) }} onDone={() => setSelection({})}
          onExport={() => downloadCsv(exportName, ['profile_id', 'external_id', 'email', 'phone', 'first_name', 'last_name', dateField], selected as unknown as Record<string, unknown>[])} />
      )}
      {members.isPending ? <Loading /> : members.error ? <ErrorBox error={members.error} retry={() => members.refetch()} /> : rows.length === 0 ? (
        <Empty title="No members." />
      ) : (
        <>
          <DataTable columns={columns} data={rows} getRowId={(r) => r.profile_id} selection={selection} onSelectionChange={setSelection}
            onRowOpen={(r) => navigate(`/people/${r.profile_id}`)} caption="Members" />
          <CursorPager page={cursors.length - 1} hasNext={!!members.data?.next_cursor}
            onPrev={() => setCursors((c) => c.slice(0, -1))} onNext={() => setCursors((c) => [...c, members.data!.next_cursor!])} />
        </>
      )}
    </section>
  );
}

export function SegmentMembers({ segment }: { segment: { id: string; name: string } }) {
  return <MembersTable base={`/v1/segments/${segment.id}`} exportName={`segment-${segment.name}.csv`} dateField="entered_at" dateLabel="Entered" />;
}
