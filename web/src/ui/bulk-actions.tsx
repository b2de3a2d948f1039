import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, errorMessage, get } from '../api.ts';
import { fmtNumber } from '../format.ts';
import { useLists, useTags } from '../queries.ts';
import { useCan } from '../session.tsx';
import type { BulkCounts, Job, List, Tag } from '../types.ts';
import { ErrorBox } from './states.tsx';
import { useToast } from './toast.tsx';

/** Who a bulk action applies to: the rows picked on the page, or everyone a rule matches (the whole filter). */
export type BulkTarget = { ids: string[] } | { rule: unknown; count: number };

/** A change over 10,000 profiles that runs as a background job, and what to call it when it reports. */
export interface StartedJob {
  id: string;
  label: string;
}

type Answer = BulkCounts | { job: Job };
const counts = (c: BulkCounts) =>
  `${fmtNumber(c.changed)} profile(s)${c.unchanged ? `, ${fmtNumber(c.unchanged)} already` : ''}${c.invalid ? `, ${fmtNumber(c.invalid)} invalid` : ''}`;

/** Invalidated after a change: the sets' counts, the profiles (a filter may read the set) and open profiles. */
function useRefresh() {
  const client = useQueryClient();
  return (set: 'tags' | 'lists') => {
    for (const key of [set, 'profiles', 'profile']) void client.invalidateQueries({ queryKey: [key] });
  };
}

/**
 * What to do with the selected profiles: add a tag, add to a list (both created on the fly), export.
 * The ids or the rule go to the same bulk endpoints; a change too large for one request comes back as
 * a job (202), handed to `onJob` (when given) so its progress outlives the selection.
 */
export function BulkActions({ target, onDone, onExport, onJob, exporting }: {
  target: BulkTarget; onDone: () => void; onExport: () => void; onJob?: (job: StartedJob) => void; exporting?: boolean;
}) {
  const can = useCan();
  const tags = useTags();
  const lists = useLists();
  const toast = useToast();
  const refresh = useRefresh();
  const [tagName, setTagName] = useState('');
  const [listName, setListName] = useState('');
  const body = 'ids' in target ? { profile_ids: target.ids } : { rule: target.rule };

  const answered = (a: Answer, label: string, set: 'tags' | 'lists') => {
    if ('job' in a) {
      onJob?.({ id: a.job.id, label });
      toast(`${label}: running in the background`);
    } else toast(`${label}: ${counts(a)}`);
    refresh(set);
    onDone();
  };
  const tag = useMutation({
    mutationFn: async (name: string) => {
      const existing = tags.data?.find((t) => t.name === name) ?? (await api<Tag>('POST', '/v1/tags', { name }));
      return api<Answer>('POST', `/v1/tags/${existing.id}/profiles`, body);
    },
    onSuccess: (a, name) => {
      setTagName('');
      answered(a, `Tagged "${name}"`, 'tags');
    },
    onError: (e) => toast(errorMessage(e), 'error'),
  });
  const list = useMutation({
    mutationFn: async (name: string) => {
      const existing = lists.data?.find((l) => l.name === name) ?? (await api<List>('POST', '/v1/lists', { name }));
      return api<Answer>('POST', `/v1/lists/${existing.id}/members`, body);
    },
    onSuccess: (a, name) => {
      setListName('');
      answered(a, `Added to "${name}"`, 'lists');
    },
    onError: (e) => toast(errorMessage(e), 'error'),
  });

  return (
    <div className="bulk-bar" role="region" aria-label="Selected profiles">
      <strong>{'ids' in target ? `${fmtNumber(target.ids.length)} selected` : `All ${fmtNumber(target.count)} that match selected`}</strong>
      {can.write && (
        <>
          <form className="inline" onSubmit={(e) => { e.preventDefault(); if (tagName.trim()) tag.mutate(tagName.trim()); }}>
            <input list="bulk-tags" placeholder="Tag name" aria-label="Tag to add" value={tagName} onChange={(e) => setTagName(e.target.value)} />
            <datalist id="bulk-tags">{tags.data?.map((t) => <option key={t.id} value={t.name} />)}</datalist>
            <button type="submit" disabled={!tagName.trim() || tag.isPending}>Add tag</button>
          </form>
          <form className="inline" onSubmit={(e) => { e.preventDefault(); if (listName.trim()) list.mutate(listName.trim()); }}>
            <input list="bulk-lists" placeholder="List name" aria-label="List to add to" value={listName} onChange={(e) => setListName(e.target.value)} />
            <datalist id="bulk-lists">{lists.data?.map((l) => <option key={l.id} value={l.name} />)}</datalist>
            <button type="submit" disabled={!listName.trim() || list.isPending}>Add to list</button>
          </form>
        </>
      )}
      <button type="button" onClick={onExport} disabled={exporting}>{exporting ? 'Exporting…' : 'Export CSV'}</button>
      <button type="button" className="link" onClick={onDone}>Clear selection</button>
    </div>
  );
}

const FINISHED = new Set<Job['status']>(['succeeded', 'failed']);

/** A background bulk job's progress, polled each second until it ends; then its counts (or error) and `onFinished`. */
export function JobStatus({ job, onFinished }: { job: StartedJob; onFinished: () => void }) {
  const toast = useToast();
  const refresh = useRefresh();
  const q = useQuery({
    queryKey: ['job', job.id],
    queryFn: ({ signal }) => get<Job>(`/v1/jobs/${job.id}`, signal),
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : 1000),
  });
  const status = q.data?.status;
  useEffect(() => {
    if (!q.data || !FINISHED.has(q.data.status)) return;
    if (q.data.status === 'succeeded') toast(`${job.label}: ${counts(q.data.counts)}`);
    else toast(`${job.label}: failed${q.data.error ? ` (${q.data.error})` : ''}`, 'error');
    refresh(q.data.kind.startsWith('tag') ? 'tags' : 'lists');
    onFinished();
  }, [status]);
  if (q.error) return <ErrorBox error={q.error} retry={() => q.refetch()} />;
  const p = q.data?.progress;
  return (
    <p className="muted small" role="status">
      {job.label}: {p ? `${fmtNumber(p.processed)} of ${fmtNumber(p.total)} done` : 'starting'}…{' '}
      {p && p.total > 0 && <progress max={p.total} value={p.processed} aria-label={`${job.label} progress`} />}
    </p>
  );
}
