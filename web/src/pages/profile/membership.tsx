import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, get, qs } from '../../api.ts';
import { ExplainTree } from '../../builder/explain-tree.tsx';
import { useAllSegments, useLists, useTags } from '../../queries.ts';
import { useCan } from '../../session.tsx';
import type { DncEntry, Explain, List, ProfileDetail, Tag } from '../../types.ts';
import { Modal } from '../../ui/modal.tsx';
import { ErrorBox, Loading } from '../../ui/states.tsx';

function useProfileRefresh(profileId: string) {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ['profile', profileId] });
    void client.invalidateQueries({ queryKey: ['tags'] });
    void client.invalidateQueries({ queryKey: ['lists'] });
  };
}

/** Chips with remove buttons and an add box that creates the name when it is new. */
function ChipSet({ title, items, onAdd, onRemove, options, pending, error, editable }: {
  title: string; items: string[]; onAdd: (name: string) => void; onRemove: (name: string) => void; options: string[];
  pending: boolean; error: unknown; editable: boolean;
}) {
  const [name, setName] = useState('');
  const id = `add-${title.toLowerCase()}`;
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {items.length === 0 ? <p className="muted small">None.</p> : (
        <ul className="chips">
          {items.map((t) => (
            <li key={t} className="chip">{t}
              {editable && <button type="button" className="icon" aria-label={`Remove ${t}`} disabled={pending} onClick={() => onRemove(t)}>×</button>}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <form className="inline" onSubmit={(e) => { e.preventDefault(); if (name.trim()) { onAdd(name.trim()); setName(''); } }}>
          <input list={id} aria-label={`Add ${title.toLowerCase()}`} placeholder={`Add to ${title.toLowerCase()}…`} value={name} onChange={(e) => setName(e.target.value)} />
          <datalist id={id}>{options.filter((o) => !items.includes(o)).map((o) => <option key={o} value={o} />)}</datalist>
          <button type="submit" disabled={!name.trim() || pending}>Add</button>
        </form>
      )}
      {error ? <ErrorBox error={error} /> : null}
    </section>
  );
}

export function TagsCard({ profile }: { profile: ProfileDetail }) {
  const tags = useTags();
  const can = useCan();
  const refresh = useProfileRefresh(profile.id);
  const change = useMutation({
    mutationFn: async ({ name, op }: { name: string; op: 'add' | 'remove' }) => {
      const tag = tags.data?.find((t) => t.name === name) ?? (op === 'add' ? await api<Tag>('POST', '/v1/tags', { name }) : undefined);
      if (tag) await api(op === 'add' ? 'POST' : 'DELETE', `/v1/tags/${tag.id}/profiles`, { profile_ids: [profile.id] });
    },
    onSuccess: refresh,
  });
  return (
    <ChipSet title="Tags" items={profile.tags} options={(tags.data ?? []).map((t) => t.name)} editable={can.write}
      onAdd={(name) => change.mutate({ name, op: 'add' })} onRemove={(name) => change.mutate({ name, op: 'remove' })}
      pending={change.isPending} error={change.error} />
  );
}

export function ListsCard({ profile }: { profile: ProfileDetail }) {
  const lists = useLists();
  const can = useCan();
  const refresh = useProfileRefresh(profile.id);
  const change = useMutation({
    mutationFn: async ({ name, op }: { name: string; op: 'add' | 'remove' }) => {
      const list = lists.data?.find((l) => l.name === name) ?? (op === 'add' ? await api<List>('POST', '/v1/lists', { name }) : undefined);
      if (list) await api(op === 'add' ? 'POST' : 'DELETE', `/v1/lists/${list.id}/members`, { profile_ids: [profile.id] });
    },
    onSuccess: refresh,
  });
  return (
    <ChipSet title="Lists" items={profile.lists.map((l) => l.name)} options={(lists.data ?? []).map((l) => l.name)} editable={can.write}
      onAdd={(name) => change.mutate({ name, op: 'add' })} onRemove={(name) => change.mutate({ name, op: 'remove' })}
      pending={change.isPending} error={change.error} />
  );
}

/** Is any of the profile's addresses on the Do-Not-Contact list? */
export function DncCard({ profile }: { profile: ProfileDetail }) {
  const contacts = profile.identifiers.filter((i) => i.kind === 'email' || i.kind === 'phone').map((i) => i.value);
  const checks = useQueries({
    queries: contacts.map((c) => ({
      queryKey: ['dnc-check', c],
      queryFn: ({ signal }: { signal: AbortSignal }) => get<{ listed: boolean; entries: DncEntry[] }>(`/v1/dnc/check${qs({ contact: c })}`, signal),
    })),
  });
  return (
    <section className="card" aria-label="Do-Not-Contact">
      <h2>Do-Not-Contact</h2>
      {contacts.length === 0 ? <p className="muted small">No email or phone to check.</p> : (
        <ul className="plain">
          {contacts.map((c, i) => {
            const q = checks[i]!;
            return (
              <li key={c}>
                {c}:{' '}
                {q.isPending ? '…' : q.error ? <ErrorBox error={q.error} /> : q.data.listed ? (
                  <span className="status status-unsubscribed">listed ({q.data.entries.map((e) => e.channel ?? 'every channel').join(', ')})</span>
                ) : <span className="status status-subscribed">not listed</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

const MAX_SEGMENTS_CHECKED = 100;

/**
 * The segments the profile is in, each with "why?". The API explains one segment at a time, so this asks
 * for each segment (up to 100) and shows the answers as they come.
 */
export function SegmentsCard({ profileId }: { profileId: string }) {
  const segments = useAllSegments();
  const list = (segments.data ?? []).slice(0, MAX_SEGMENTS_CHECKED);
  const answers = useQueries({
    queries: list.map((s) => ({
      queryKey: ['profile', profileId, 'explain', s.id, s.version],
      queryFn: ({ signal }: { signal: AbortSignal }) => get<Explain>(`/v1/segments/${s.id}/explain/${profileId}`, signal),
      staleTime: 30_000,
    })),
  });
  const [why, setWhy] = useState<string | null>(null);
  const [showOut, setShowOut] = useState(false);
  if (segments.isPending) return <section className="card"><h2>Segments</h2><Loading /></section>;
  if (segments.error) return <section className="card"><h2>Segments</h2><ErrorBox error={segments.error} /></section>;
  const rows = list.map((s, i) => ({ segment: s, answer: answers[i]! }));
  const inside = rows.filter((r) => r.answer.data?.result);
  const outside = rows.filter((r) => r.answer.data && !r.answer.data.result);
  const pending = rows.filter((r) => r.answer.isPending).length;
  const failed = rows.filter((r) => r.answer.error);
  const open = rows.find((r) => r.segment.id === why);
  const row = (r: (typeof rows)[number], label: string) => (
    <li key={r.segment.id}>
      <Link to={`/segments/${r.segment.id}`}>{r.segment.name}</Link>{' '}
      <button type="button" className="link small" onClick={() => setWhy(r.segment.id)}>{label}</button>
    </li>
  );
  return (
    <section className="card" aria-labelledby="segments-title">
      <h2 id="segments-title">Segments</h2>
      {pending > 0 && <p className="muted small">Checking {pending} segment(s)…</p>}
      {inside.length === 0 && pending === 0 ? <p className="muted small">In no segment.</p> : <ul className="plain segment-list">{inside.map((r) => row(r, 'why?'))}</ul>}
      {failed.length > 0 && <ErrorBox error={failed[0]!.answer.error} />}
      {outside.length > 0 && (
        <>
          <button type="button" className="link small" aria-expanded={showOut} onClick={() => setShowOut(!showOut)}>
            {showOut ? 'Hide' : 'Show'} the {outside.length} segment(s) it is not in
          </button>
          {showOut && <ul className="plain segment-list muted">{outside.map((r) => row(r, 'why not?'))}</ul>}
        </>
      )}
      <Modal open={!!open} onClose={() => setWhy(null)} title={open ? `${open.answer.data?.result ? 'Why in' : 'Why not in'} "${open.segment.name}"` : ''}>
        {open?.answer.data && <ExplainTree node={open.answer.data.explanation} />}
      </Modal>
    </section>
  );
}
