import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ColumnDef, RowSelectionState } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, get, qs } from '../api.ts';
import { nodeForPath, rootFromRule, toRule, type GroupNode } from '../builder/model.ts';
import { RuleBuilder } from '../builder/rule-builder.tsx';
import { useBuilderEnv } from '../builder/use-builder-env.ts';
import { downloadCsv, fmtDateTime, fmtNumber, personName } from '../format.ts';
import { useAllSegments, useChannels, useLists, useTags } from '../queries.ts';
import type { Page, Preview, Profile } from '../types.ts';
import { BulkActions } from '../ui/bulk-actions.tsx';
import { CursorPager, DataTable } from '../ui/data-table.tsx';
import { useDebounced } from '../ui/hooks.ts';
import { Empty, ErrorBox, Loading, PageHeader } from '../ui/states.tsx';

/** A row of the table: a full profile (list mode) or a preview sample (filter mode). */
interface Row {
  id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  city: string | null;
  country: string | null;
  created_at: string | null;
}

const FILTER_KEYS = ['tag', 'list', 'segment', 'country', 'city', 'gender', 'consent'] as const;
type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Quick filters (and the search box, when filtering) as one segment rule for the preview endpoint. */
export function filtersToRule(f: Filters, q: string): { all: unknown[] } {
  const all: unknown[] = [];
  if (f.tag) all.push({ tag: f.tag });
  if (f.list) all.push({ list: f.list });
  if (f.segment) all.push({ segment: f.segment });
  for (const a of ['country', 'city', 'gender'] as const) if (f[a]) all.push({ attribute: a, op: 'starts_with', value: f[a] });
  if (f.consent) all.push({ consent: f.consent, status: 'subscribed' });
  if (q.trim()) all.push({ any: ['email', 'first_name', 'last_name', 'phone'].map((a) => ({ attribute: a, op: 'starts_with', value: q.trim() })) });
  return { all };
}

export function PeoplePage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const [q, setQ] = useState(params.get('q') ?? '');
  const search = useDebounced(q, 300);
  const filters: Filters = Object.fromEntries(FILTER_KEYS.flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])));
  const quickFiltering = Object.keys(filters).length > 0;
  const [advanced, setAdvanced] = useState<GroupNode | null>(null);
  const filtering = quickFiltering || (!!advanced && advanced.children.length > 0);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selection, setSelection] = useState<RowSelectionState>({});
  const cursor = cursors[cursors.length - 1];

  const setFilters = (changes: Filters) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
    setCursors([undefined]);
    setSelection({});
  };

  // List mode: the profiles in creation order, or those whose identifier / name starts with the search.
  const list = useQuery({
    queryKey: ['profiles', search, cursor],
    queryFn: ({ signal }) => get<Page<Profile>>(`/v1/profiles${qs({ q: search, cursor, limit: 50 })}`, signal),
    enabled: !filtering,
    placeholderData: keepPreviousData,
  });
  // The matching count (and in filter mode the first matches) come from the segment preview.
  // The advanced filter is the rule builder; its rule joins the quick filters as one more condition.
  const { rule, paths } = useMemo(() => {
    const r = filtersToRule(filters, filtering ? search : '');
    const p = new Map<string, string>();
    if (advanced && advanced.children.length > 0) r.all.push(toRule(advanced, p, `rule.all[${r.all.length}]`));
    return { rule: r, paths: p };
  }, [JSON.stringify(filters), filtering, search, advanced]);
  // Typing in the advanced filter asks again 300 ms after the last change; the key is the rule, so an
  // answer for an older rule is never shown and the superseded request is cancelled.
  const ruleJson = useDebounced(JSON.stringify(rule), 300);
  const preview = useQuery({
    queryKey: ['preview', ruleJson],
    queryFn: ({ signal }) => api<Preview>('POST', '/v1/segments/preview', { rule: JSON.parse(ruleJson) }, { signal }),
    placeholderData: keepPreviousData,
  });
  const advancedErrors = new Map<string, string>();
  if (preview.error instanceof ApiError && preview.error.path) {
    const id = nodeForPath(paths, preview.error.path);
    if (id) advancedErrors.set(id, preview.error.message);
  }
  const env = useBuilderEnv({ errors: advancedErrors, readOnly: false });

  const rows: Row[] = filtering
    ? (preview.data?.sample ?? []).map((p) => ({ ...p, phone: null, city: null, country: null, created_at: null }))
    : (list.data?.data ?? []).map((p) => ({
        id: p.id, external_id: p.external_id, email: str(p.attributes.email), phone: str(p.attributes.phone),
        first_name: str(p.attributes.first_name), last_name: str(p.attributes.last_name),
        city: str(p.attributes.city), country: str(p.attributes.country), created_at: p.created_at,
      }));

  const columns = useMemo<ColumnDef<Row, any>[]>(() => [
    { id: 'name', header: 'Name', cell: ({ row }) => <Link to={`/people/${row.original.id}`} onClick={(e) => e.stopPropagation()}>{personName(row.original)}</Link> },
    { id: 'email', header: 'Email', cell: ({ row }) => row.original.email ?? '—' },
    { id: 'phone', header: 'Phone', cell: ({ row }) => row.original.phone ?? '—' },
    { id: 'place', header: 'City / country', cell: ({ row }) => [row.original.city, row.original.country].filter(Boolean).join(', ') || '—' },
    { id: 'external_id', header: 'External id', cell: ({ row }) => row.original.external_id ?? '—' },
    { id: 'created_at', header: 'Created', cell: ({ row }) => fmtDateTime(row.original.created_at) },
  ], []);

  const selected = rows.filter((r) => selection[r.id]);
  const error = filtering ? preview.error : list.error;
  const pending = filtering ? preview.isPending : list.isPending;
  const count = preview.data?.count;

  return (
    <div className="page">
      <PageHeader
        title="People"
        subtitle={count === undefined ? 'Counting…' : filtering ? `${fmtNumber(count)} match these filters` : `${fmtNumber(count)} profiles`}
        actions={filtering && (
          <button type="button" onClick={() => navigate('/segments/new', { state: { rule } })}>Save as segment…</button>
        )}
      />
      <div className="toolbar">
        <input type="search" className="grow" placeholder="Search by email, phone, id or name…" aria-label="Search people" value={q}
          onChange={(e) => { setQ(e.target.value); setCursors([undefined]); }} />
      </div>
      <QuickFilters filters={filters} setFilters={setFilters} />
      {advanced ? (
        <section className="card" aria-label="Advanced filter">
          <div className="card-header">
            <h2>Advanced filter</h2>
            <button type="button" className="link" onClick={() => setAdvanced(null)}>Remove advanced filter</button>
          </div>
          <RuleBuilder root={advanced} onChange={(r) => { setAdvanced(r); setSelection({}); }} env={env} />
        </section>
      ) : (
        <button type="button" className="link small start" onClick={() => setAdvanced(rootFromRule({ all: [] }))}>+ Advanced filter (any segment rule)</button>
      )}
      {selected.length > 0 && (
        <BulkActions profileIds={selected.map((r) => r.id)} onDone={() => setSelection({})}
          onExport={() => downloadCsv('people.csv', ['id', 'external_id', 'email', 'phone', 'first_name', 'last_name', 'city', 'country', 'created_at'], selected as unknown as Record<string, unknown>[])} />
      )}
      {error ? <ErrorBox error={error} /> : pending ? <Loading /> : rows.length === 0 ? (
        <Empty title={search || filtering ? 'No one matches.' : 'No profiles yet.'}>
          {!search && !filtering && <p className="muted">Send events or identify calls to the API, or import a file, and people appear here.</p>}
        </Empty>
      ) : (
        <>
          <DataTable columns={columns} data={rows} getRowId={(r) => r.id} selection={selection} onSelectionChange={setSelection}
            onRowOpen={(r) => navigate(`/people/${r.id}`)} caption="People" />
          {filtering ? (
            count !== undefined && count > rows.length && <p className="muted small">Showing the first {rows.length} of {fmtNumber(count)}. Save the filters as a segment to page through all of them and export them.</p>
          ) : (
            <CursorPager page={cursors.length - 1} hasNext={!!list.data?.next_cursor}
              onPrev={() => setCursors((c) => c.slice(0, -1))} onNext={() => setCursors((c) => [...c, list.data!.next_cursor!])} />
          )}
        </>
      )}
    </div>
  );
}

function QuickFilters({ filters, setFilters }: { filters: Filters; setFilters: (f: Filters) => void }) {
  const setFilter = (k: (typeof FILTER_KEYS)[number], v: string) => setFilters({ [k]: v });
  const tags = useTags();
  const lists = useLists();
  const segments = useAllSegments();
  const channels = useChannels();
  const [text, setText] = useState({ country: filters.country ?? '', city: filters.city ?? '', gender: filters.gender ?? '' });
  const commit = (k: 'country' | 'city' | 'gender') => setFilter(k, text[k].trim());
  return (
    <div className="filters" role="group" aria-label="Quick filters">
      <select aria-label="Tag" value={filters.tag ?? ''} onChange={(e) => setFilter('tag', e.target.value)}>
        <option value="">Any tag</option>
        {tags.data?.map((t) => <option key={t.id} value={t.name}>{t.name}</option>)}
      </select>
      <select aria-label="List" value={filters.list ?? ''} onChange={(e) => setFilter('list', e.target.value)}>
        <option value="">Any list</option>
        {lists.data?.map((l) => <option key={l.id} value={l.name}>{l.name}</option>)}
      </select>
      <select aria-label="Segment" value={filters.segment ?? ''} onChange={(e) => setFilter('segment', e.target.value)}>
        <option value="">Any segment</option>
        {segments.data?.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </select>
      {(['country', 'city', 'gender'] as const).map((k) => (
        <input key={k} aria-label={k} placeholder={k[0]!.toUpperCase() + k.slice(1)} value={text[k]} size={10}
          onChange={(e) => setText({ ...text, [k]: e.target.value })} onBlur={() => commit(k)}
          onKeyDown={(e) => e.key === 'Enter' && commit(k)} />
      ))}
      <select aria-label="Consent" value={filters.consent ?? ''} onChange={(e) => setFilter('consent', e.target.value)}>
        <option value="">Any consent</option>
        {channels.data?.map((c) => <option key={c.name} value={c.name}>Subscribed: {c.label ?? c.name}</option>)}
      </select>
      {Object.keys(filters).length > 0 && (
        <button type="button" className="link" onClick={() => { setFilters(Object.fromEntries(FILTER_KEYS.map((k) => [k, '']))); setText({ country: '', city: '', gender: '' }); }}>
          Clear filters
        </button>
      )}
    </div>
  );
}
