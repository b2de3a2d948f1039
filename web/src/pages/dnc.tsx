import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef, RowSelectionState } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, get, qs } from '../api.ts';
import { fmtDateTime, fmtNumber } from '../format.ts';
import { useChannels } from '../queries.ts';
import { useCan } from '../session.tsx';
import type { DncAdded, DncEntry, DncImportReport, Page, Res } from '../types.ts';
import { DataTable } from '../ui/data-table.tsx';
import { FileDrop } from '../ui/file-drop.tsx';
import { useDebounced } from '../ui/hooks.ts';
import { Modal } from '../ui/modal.tsx';
import { Empty, ErrorBox, Loading, PageHeader } from '../ui/states.tsx';
import { useToast } from '../ui/toast.tsx';

const PAGE = 50;
const SOURCES = ['manual', 'import', 'end_user_message', 'campaign_action', 'url_opt_out'];
const FILTERS = ['contact_contains', 'contact_kind', 'channel', 'sender', 'source', 'added_after', 'added_before'] as const;

/** The Do-Not-Contact list: filter by any column, sort, add, remove many, import a file, export. */
export function DncPage() {
  const [params, setParams] = useSearchParams();
  const can = useCan();
  const client = useQueryClient();
  const toast = useToast();
  const channels = useChannels();
  const [contains, setContains] = useState(params.get('contact_contains') ?? '');
  const debounced = useDebounced(contains, 300);
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);
  const sortParam = params.get('sort') ?? '-added_at';
  const offset = Number(params.get('offset') ?? 0);
  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k !== 'offset') next.delete('offset');
    setParams(next, { replace: true });
    setSelection({});
  };
  const filter: Record<string, string | undefined> = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined]));
  filter.contact_contains = debounced.trim() || undefined;
  // The date inputs give calendar days; the API takes instants.
  const query = {
    ...filter,
    added_after: filter.added_after ? new Date(`${filter.added_after}T00:00:00`).toISOString() : undefined,
    added_before: filter.added_before ? new Date(`${filter.added_before}T00:00:00`).toISOString() : undefined,
  };
  const entries = useQuery({
    queryKey: ['dnc', query, sortParam, offset],
    queryFn: ({ signal }) => get<Page<DncEntry> & { total: number }>(`/v1/dnc${qs({ ...query, sort: sortParam, offset, limit: PAGE })}`, signal),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (ids: string[]) => api<Res<'/v1/dnc/remove', 'post'>>('POST', '/v1/dnc/remove', { ids }),
    onSuccess: (r) => { toast(`Removed ${fmtNumber(r.removed)} entries`); setSelection({}); return client.invalidateQueries({ queryKey: ['dnc'] }); },
    onError: (e) => toast(e.message, 'error'),
  });

  const columns = useMemo<ColumnDef<DncEntry, any>[]>(() => [
    { id: 'contact', header: 'Contact', cell: ({ row }) => row.original.contact },
    { id: 'contact_kind', header: 'Kind', cell: ({ row }) => row.original.contact_kind },
    { id: 'channel', header: 'Channel', cell: ({ row }) => row.original.channel ?? <em>every channel</em> },
    { id: 'sender', header: 'Sender', cell: ({ row }) => row.original.sender ?? '—' },
    { id: 'source', header: 'Source', cell: ({ row }) => row.original.source.replace(/_/g, ' ') },
    { id: 'added_at', header: 'Added', cell: ({ row }) => fmtDateTime(row.original.added_at) },
  ], []);
  const rows = entries.data?.data ?? [];
  const selectedIds = Object.keys(selection).filter((k) => selection[k]);
  const total = entries.data?.total ?? 0;
  const exportHref = `/v1/dnc${qs({ ...query, sort: sortParam, format: 'csv' })}`;

  return (
    <div className="page">
      <PageHeader title="Do-Not-Contact" subtitle={entries.data ? `${fmtNumber(total)} entries${Object.values(filter).some(Boolean) ? ' match' : ''}` : undefined}
        actions={<>
          {can.write && <button type="button" className="primary" onClick={() => setAdding(true)}>Add contact</button>}
          {can.write && <button type="button" onClick={() => setImporting(true)}>Import file…</button>}
          <a className="button" href={exportHref} download="dnc.csv">Export CSV</a>
        </>} />
      <div className="filters" role="group" aria-label="Filters">
        <input type="search" placeholder="Contact contains…" aria-label="Contact contains" value={contains}
          onChange={(e) => { setContains(e.target.value); set('offset', undefined); }} />
        <select aria-label="Kind" value={filter.contact_kind ?? ''} onChange={(e) => set('contact_kind', e.target.value)}>
          <option value="">Email and phone</option><option value="email">Email</option><option value="phone">Phone</option>
        </select>
        <select aria-label="Channel" value={filter.channel ?? ''} onChange={(e) => set('channel', e.target.value)}>
          <option value="">Any channel</option><option value="*">Every channel (global)</option>
          {channels.data?.map((c) => <option key={c.name} value={c.name}>{c.label ?? c.name}</option>)}
        </select>
        <select aria-label="Source" value={filter.source ?? ''} onChange={(e) => set('source', e.target.value)}>
          <option value="">Any source</option>
          {SOURCES.map((s) => <option key={s} value={s}>{s.replace(/_/g, ' ')}</option>)}
        </select>
        <input placeholder="Sender" aria-label="Sender" defaultValue={filter.sender ?? ''} size={10}
          onBlur={(e) => set('sender', e.target.value.trim())} onKeyDown={(e) => e.key === 'Enter' && set('sender', e.currentTarget.value.trim())} />
        <label className="inline small">Added from <input type="date" value={filter.added_after ?? ''} onChange={(e) => set('added_after', e.target.value)} /></label>
        <label className="inline small">until <input type="date" value={filter.added_before ?? ''} onChange={(e) => set('added_before', e.target.value)} /></label>
      </div>
      {selectedIds.length > 0 && can.write && (
        <div className="bulk-bar">
          <strong>{selectedIds.length} selected</strong>
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate(selectedIds)}>Remove from the list</button>
          <button type="button" className="link" onClick={() => setSelection({})}>Clear selection</button>
        </div>
      )}
      {entries.error ? <ErrorBox error={entries.error} retry={() => entries.refetch()} /> : entries.isPending ? <Loading /> : rows.length === 0 ? (
        <Empty title="No entries." />
      ) : (
        <>
          <DataTable columns={columns} data={rows} getRowId={(r) => r.id} caption="Do-Not-Contact entries"
            selection={can.write ? selection : undefined} onSelectionChange={can.write ? setSelection : undefined}
            sort={{ column: sortParam.replace(/^-/, ''), desc: sortParam.startsWith('-') }}
            sortable={['contact', 'contact_kind', 'channel', 'sender', 'source', 'added_at']}
            onSortChange={(s) => set('sort', `${s.desc ? '-' : ''}${s.column}`)} />
          <nav className="pager" aria-label="Pages">
            <button type="button" disabled={offset === 0} onClick={() => set('offset', String(Math.max(0, offset - PAGE)))}>← Previous</button>
            <span className="muted">{offset + 1}–{Math.min(offset + PAGE, total)} of {fmtNumber(total)}</span>
            <button type="button" disabled={offset + PAGE >= total} onClick={() => set('offset', String(offset + PAGE))}>Next →</button>
          </nav>
        </>
      )}
      <AddDialog open={adding} onClose={() => setAdding(false)} />
      <ImportDialog open={importing} onClose={() => setImporting(false)} />
    </div>
  );
}

function AddDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const channels = useChannels();
  const client = useQueryClient();
  const toast = useToast();
  const [form, setForm] = useState({ contact: '', channel: '', sender: '' });
  const add = useMutation({
    mutationFn: () => api<DncAdded>('POST', '/v1/dnc', { contact: form.contact, channel: form.channel || null, sender: form.sender.trim() || null }),
    onSuccess: (r) => {
      toast(r.status === 'duplicate' ? 'Already on the list' : `Added ${form.contact}`);
      setForm({ contact: '', channel: '', sender: '' });
      onClose();
      return client.invalidateQueries({ queryKey: ['dnc'] });
    },
  });
  return (
    <Modal open={open} onClose={onClose} title="Add to Do-Not-Contact"
      footer={<><button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="dnc-add" className="primary" disabled={!form.contact.trim() || add.isPending}>Add</button></>}>
      <form id="dnc-add" onSubmit={(e) => { e.preventDefault(); add.mutate(); }}>
        <label>Email or phone<input value={form.contact} onChange={(e) => setForm({ ...form, contact: e.target.value })} autoFocus required placeholder="ann@example.com or +44 1234 567890" /></label>
        <label>Channel
          <select value={form.channel} onChange={(e) => setForm({ ...form, channel: e.target.value })}>
            <option value="">Every channel</option>
            {channels.data?.map((c) => <option key={c.name} value={c.name}>{c.label ?? c.name}</option>)}
          </select>
        </label>
        <label>Sender (optional)<input value={form.sender} onChange={(e) => setForm({ ...form, sender: e.target.value })} /></label>
        {add.error && <ErrorBox error={add.error} />}
      </form>
    </Modal>
  );
}

/** Upload → analyze (a dry run that shows invalid rows) → import. */
function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const channels = useChannels();
  const client = useQueryClient();
  const toast = useToast();
  const [file, setFile] = useState<File | null>(null);
  const [opts, setOpts] = useState({ contact: '', channel: '', header: 'auto' });
  const [report, setReport] = useState<DncImportReport | null>(null);
  const run = useMutation({
    mutationFn: (dry: boolean) => {
      const form = new FormData();
      form.set('header', opts.header);
      if (opts.contact.trim()) form.set('mapping', JSON.stringify({ contact: /^\d+$/.test(opts.contact.trim()) ? Number(opts.contact.trim()) : opts.contact.trim() }));
      if (opts.channel) form.set('channel', opts.channel);
      form.set('file', file!);
      return api<DncImportReport>('POST', dry ? '/v1/dnc/import/analyze' : '/v1/dnc/import', form);
    },
    onSuccess: (r) => {
      setReport(r);
      if (!r.dry_run) {
        toast(`Imported: ${fmtNumber(r.added)} added, ${fmtNumber(r.duplicate)} already listed, ${fmtNumber(r.invalid)} invalid`);
        void client.invalidateQueries({ queryKey: ['dnc'] });
      }
    },
  });
  const close = () => { setReport(null); setFile(null); run.reset(); onClose(); };
  return (
    <Modal open={open} onClose={close} title="Import contacts into Do-Not-Contact"
      footer={<>
        <button type="button" onClick={close}>{report && !report.dry_run ? 'Done' : 'Cancel'}</button>
        <button type="button" disabled={!file || run.isPending} onClick={() => run.mutate(true)}>Analyze</button>
        <button type="button" className="primary" disabled={!file || run.isPending || !report?.dry_run} onClick={() => run.mutate(false)}>Import</button>
      </>}>
      <FileDrop accept=".csv,.txt,.xlsx,.zip" label="File of contacts" onFile={(f) => { setFile(f); setReport(null); }}>
        {file ? <>{file.name} <span className="muted small">({fmtNumber(Math.round(file.size / 1024))} KB)</span></> : 'Drop a .csv, .txt, .xlsx or .zip here, or choose one'}
      </FileDrop>
      <div className="row">
        <label>Contact column<input placeholder="auto, a header or a number" value={opts.contact} onChange={(e) => setOpts({ ...opts, contact: e.target.value })} /></label>
        <label>Header row
          <select value={opts.header} onChange={(e) => setOpts({ ...opts, header: e.target.value })}>
            <option value="auto">detect</option><option value="yes">yes</option><option value="no">no</option>
          </select>
        </label>
        <label>Channel for every row
          <select value={opts.channel} onChange={(e) => setOpts({ ...opts, channel: e.target.value })}>
            <option value="">Every channel</option>
            {channels.data?.map((c) => <option key={c.name} value={c.name}>{c.label ?? c.name}</option>)}
          </select>
        </label>
      </div>
      {run.error && <ErrorBox error={run.error} />}
      {report && (
        <div className="report" aria-live="polite">
          <p><strong>{report.dry_run ? 'Analysis' : 'Imported'}:</strong> {fmtNumber(report.rows)} rows · {fmtNumber(report.added)} {report.dry_run ? 'to add' : 'added'} ·
            {' '}{fmtNumber(report.duplicate)} already listed · {fmtNumber(report.invalid)} invalid · {fmtNumber(report.blank)} blank</p>
          {report.warnings.map((w) => <p key={w} className="notice">{w}</p>)}
          {report.invalid_rows.length > 0 && (
            <table className="table compact"><caption>Invalid rows</caption>
              <thead><tr><th>Row</th><th>Value</th><th>Reason</th></tr></thead>
              <tbody>{report.invalid_rows.slice(0, 50).map((r) => <tr key={r.row}><td>{r.row}</td><td>{r.value}</td><td>{r.reason}</td></tr>)}</tbody>
            </table>
          )}
          {report.dry_run && report.sample.length > 0 && (
            <p className="muted small">First contacts: {report.sample.slice(0, 5).map((s) => s.contact).join(', ')}</p>
          )}
        </div>
      )}
      {!report && <p className="muted small">Choose a file, then Analyze to see what would be added.</p>}
    </Modal>
  );
}
