import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ColumnDef, RowSelectionState } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, errorMessage, get, qs } from '../api.ts';
import { nodeForPath, rootFromRule, toRule, type GroupNode } from '../builder/model.ts';
import { RuleBuilder } from '../builder/rule-builder.tsx';
import { useBuilderEnv } from '../builder/use-builder-env.ts';
import { downloadCsv, fmtDateTime, fmtNumber, personName } from '../format.ts';
import { useAllSegments, useChannels, useLists, useTags } from '../queries.ts';
import type { Page, Profile } from '../types.ts';
import { BulkActions, JobStatus, type StartedJob } from '../ui/bulk-actions.tsx';
import { CursorPager, DataTable } from '../ui/data-table.tsx';
import { downloadFrom } from '../ui/download.ts';
import { useDebounced } from '../ui/hooks.ts';
import { Empty, ErrorBox, Loading, PageHeader } from '../ui/states.tsx';
import { useToast } from '../ui/toast.tsx';

/** A row of the table: the fields people recognise of a profile. */
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
const CSV_COLUMNS = ['id', 'external_id', 'email', 'phone', 'first_name', 'last_name', 'city', 'country', 'created_at'];

const FILTER_KEYS = ['tag', 'list', 'segment', 'country', 'city', 'gender', 'consent'] as const;
type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Quick filters (and the search box, when filtering) as one segment rule, the conditions the API's own
 * quick filters stand for (src/profiles/filters.ts: an attribute filter is `is`, a consent filter a
 * channel's status). This one rule is what the page sends everywhere — the table and its count
 * (GET /v1/profiles?rule=), the CSV export (the same with format=csv) and "all that match" tag / list
 * changes (the bulk endpoints' `rule`) — so what is counted, shown, exported and changed is one set.
 */
export function filtersToRule(f: Filters, q: string): { all: unknown[] } {
  const all: unknown[] = [];
  if (f.tag) all.push({ tag: f.tag });
  if (f.list) all.push({ list: f.list });
  if (f.segment) all.push({ segment: f.segment });
  for (const a of ['country', 'city', 'gender'] as const) if (f[a]) all.push({ attribute: a, op: 'is', values: [f[a]] });
  if (f.consent) all.push({ consent: f.consent, status: 'subscribed' });
  if (q.trim()) all.push({ any: ['email', 'first_name', 'last_name', 'phone'].map((a) => ({ attribute: a, op: 'starts_with', value: q.trim() })) });
  return { all };
}

export function PeoplePage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const toast = useToast();
  const [q, setQ] = useState(params.get('q') ?? '');
  const search = useDebounced(q, 300);
  const filters: Filters = Object.fromEntries(FILTER_KEYS.flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])));
  const quickFiltering = Object.keys(filters).length > 0;
  const [advanced, setAdvanced] = useState<GroupNode | null>(null);
  const filtering = quickFiltering || (!!advanced && advanced.children.length > 0);
  // A search on its own looks up identifiers (exact or prefix, the list endpoint's `q`); everything else is a rule.
  const searching = !filtering && !!search.trim();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selection, setSelection] = useState<RowSelectionState>({});
  /** The rule (as sent) whose every match is selected; "all that match" ends when the rule changes. */
  const [allOf, setAllOf] = useState<string | null>(null);
  const [jobs, setJobs] = useState<StartedJob[]>([]);
  const [exporting, setExporting] = useState(false);
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

  const list = useQuery({
    queryKey: ['profiles', 'search', search, cursor],
    queryFn: ({ signal }) => get<Page<Profile>>(`/v1/profiles${qs({ q: search, cursor, limit: 50 })}`, signal),
    enabled: searching,
    placeholderData: keepPreviousData,
  });
  const matching = useQuery({
    queryKey: ['profiles', 'matching', ruleJson, cursor],
    queryFn: ({ signal }) => get<Page<Profile> & { total: number }>(`/v1/profiles${qs({ rule: ruleJson, cursor, limit: 50 })}`, signal),
    enabled: !searching,
    placeholderData: keepPreviousData,
  });
  const shown = searching ? list : matching;
  const advancedErrors = new Map<string, string>();
  if (matching.error instanceof ApiError && matching.error.path) {
    const id = nodeForPath(paths, matching.error.path);
    if (id) advancedErrors.set(id, matching.error.message);
  }
  const env = useBuilderEnv({ errors: advancedErrors, readOnly: false });

  const rows: Row[] = (shown.data?.data ?? []).map((p) => ({
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
  const total = searching ? undefined : matching.data?.total;
  // Only while the shown answer is the current rule's, so the number offered is the number changed.
  const current = !searching && !matching.isPlaceholderData && ruleJson === JSON.stringify(rule);
  const allSelected = current && allOf === ruleJson && total !== undefined;
  const clearSelection = () => { setSelection({}); setAllOf(null); };

  const exportAll = async () => {
    setExporting(true);
    try {
      await downloadFrom(`/v1/profiles${qs({ rule: ruleJson, format: 'csv' })}`, 'people.csv');
    } catch (e) {
      toast(errorMessage(e), 'error');
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="People"
        subtitle={searching ? 'Search results' : total === undefined ? 'Counting…' : filtering ? `${fmtNumber(total)} match these filters` : `${fmtNumber(total)} profiles`}
        actions={filtering && (
          <button type="button" onClick={() => navigate('/segments/new', { state: { rule } })}>Save as segment…</button>
        )}
      />
      <div className="toolbar">
        <input type="search" className="grow" placeholder="Search by email, phone, id or name…" aria-label="Search people" value={q}
          onChange={(e) => { setQ(e.target.value); setCursors([undefined]); setSelection({}); }} />
      </div>
      <QuickFilters filters={filters} setFilters={setFilters} />
      {advanced ? (
        <section className="card" aria-label="Advanced filter">
          <div className="card-header">
            <h2>Advanced filter</h2>
            <button type="button" className="link" onClick={() => setAdvanced(null)}>Remove advanced filter</button>
          </div>
          <RuleBuilder root={advanced} onChange={(r) => { setAdvanced(r); setSelection({}); setCursors([undefined]); }} env={env} />
        </section>
      ) : (
        <button type="button" className="link small start" onClick={() => setAdvanced(rootFromRule({ all: [] }))}>+ Advanced filter (any segment rule)</button>
      )}
      {jobs.map((j) => <JobStatus key={j.id} job={j} onFinished={() => setJobs((js) => js.filter((x) => x.id !== j.id))} />)}
      {allSelected ? (
        <BulkActions target={{ rule: JSON.parse(ruleJson), count: total }} onDone={clearSelection} onJob={(j) => setJobs((js) => [...js, j])}
          onExport={() => void exportAll()} exporting={exporting} />
      ) : selected.length > 0 ? (
        <BulkActions target={{ ids: selected.map((r) => r.id) }} onDone={clearSelection} onJob={(j) => setJobs((js) => [...js, j])}
          onExport={() => downloadCsv('people.csv', CSV_COLUMNS, selected as unknown as Record<string, unknown>[])} />
      ) : null}
      {current && !allSelected && total !== undefined && total > 0 && (
        <p className="small">
          <button type="button" className="link" onClick={() => { setSelection({}); setAllOf(ruleJson); }}>
            Select all {fmtNumber(total)} that match{filtering ? '' : ' (everyone)'}
          </button>
        </p>
      )}
      {shown.error ? <ErrorBox error={shown.error} retry={() => shown.refetch()} /> : shown.isPending ? <Loading /> : rows.length === 0 ? (
        <Empty title={search || filtering ? 'No one matches.' : 'No profiles yet.'}>
          {!search && !filtering && <p className="muted">Send events or identify calls to the API, or import a file, and people appear here.</p>}
        </Empty>
      ) : (
        <>
          <DataTable columns={columns} data={rows} getRowId={(r) => r.id} selection={allSelected ? Object.fromEntries(rows.map((r) => [r.id, true])) : selection}
            onSelectionChange={(s) => { setAllOf(null); setSelection(s); }} onRowOpen={(r) => navigate(`/people/${r.id}`)} caption="People" />
          <CursorPager page={cursors.length - 1} hasNext={!!shown.data?.next_cursor}
            label={total !== undefined ? `${fmtNumber(total)} in all` : undefined}
            onPrev={() => setCursors((c) => c.slice(0, -1))} onNext={() => setCursors((c) => [...c, shown.data!.next_cursor!])} />
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
