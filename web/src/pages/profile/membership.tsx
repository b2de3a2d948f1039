import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, get, qs } from '../../api.ts';
import { ExplainTree } from '../../builder/explain-tree.tsx';
import { useAllSegments, useLists, useTags } from '../../queries.ts';
import { useCan } from '../../session.tsx';
import { fmtDateTime } from '../../format.ts';
import type { Explain, List, ProfileDetail, ProfileSegment, Res, Tag } from '../../types.ts';
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
      queryFn: ({ signal }: { signal: AbortSignal }) => get<Res<'/v1/dnc/check', 'get'>>(`/v1/dnc/check${qs({ contact: c })}`, signal),
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

/**
 * The segments the profile is in (GET /v1/profiles/{id}/segments: the stored membership, or a live answer
 * for a segment still building), with when it entered. "why?" / "why not?" asks explain for one segment,
 * on demand; the segments it is not in come from the workspace's segment list.
 */
export function SegmentsCard({ profileId }: { profileId: string }) {
  const inside = useQuery({
    queryKey: ['profile', profileId, 'segments'],
    queryFn: ({ signal }) => get<{ data: ProfileSegment[] }>(`/v1/profiles/${profileId}/segments`, signal).then((r) => r.data),
  });
  const all = useAllSegments();
  const [why, setWhy] = useState<{ id: string; name: string } | null>(null);
  const [showOut, setShowOut] = useState(false);
  const title = <h2 id="segments-title">Segments</h2>;
  if (inside.isPending) return <section className="card" aria-labelledby="segments-title">{title}<Loading /></section>;
  if (inside.error) return <section className="card" aria-labelledby="segments-title">{title}<ErrorBox error={inside.error} retry={() => inside.refetch()} /></section>;
  const ids = new Set(inside.data.map((s) => s.id));
  const outside = (all.data ?? []).filter((s) => !ids.has(s.id));
  const whyButton = (s: { id: string; name: string }, label: string) => (
    <button type="button" className="link small" aria-label={`${label} ${s.name}`} onClick={() => setWhy(s)}>{label}</button>
  );
  return (
    <section className="card" aria-labelledby="segments-title">
      {title}
      {inside.data.length === 0 ? <p className="muted small">In no segment.</p> : (
        <ul className="plain segment-list">
          {inside.data.map((s) => (
            <li key={s.id}>
              <Link to={`/segments/${s.id}`}>{s.name}</Link>{' '}
              <span className="muted small">
                {s.entered_at ? `since ${fmtDateTime(s.entered_at)}` : s.status === 'building' ? '(segment building; checked now)' : ''}
              </span>{' '}
              {whyButton(s, 'why?')}
            </li>
          ))}
        </ul>
      )}
      {all.error ? <ErrorBox error={all.error} retry={() => all.refetch()} /> : outside.length > 0 && (
        <>
          <button type="button" className="link small" aria-expanded={showOut} onClick={() => setShowOut(!showOut)}>
            {showOut ? 'Hide' : 'Show'} the {outside.length} segment(s) it is not in
          </button>
          {showOut && (
            <ul className="plain segment-list muted">
              {outside.map((s) => <li key={s.id}><Link to={`/segments/${s.id}`}>{s.name}</Link> {whyButton(s, 'why not?')}</li>)}
            </ul>
          )}
        </>
      )}
      <WhyDialog profileId={profileId} segment={why} onClose={() => setWhy(null)} />
    </section>
  );
}

/** One segment's explanation for the profile, asked for when the dialog opens. */
function WhyDialog({ profileId, segment, onClose }: { profileId: string; segment: { id: string; name: string } | null; onClose: () => void }) {
  const answer = useQuery({
    queryKey: ['profile', profileId, 'explain', segment?.id],
    queryFn: ({ signal }) => get<Explain>(`/v1/segments/${segment!.id}/explain/${profileId}`, signal),
    enabled: !!segment,
    staleTime: 30_000,
  });
  const title = !segment ? '' : answer.data ? `${answer.data.result ? 'Why in' : 'Why not in'} "${segment.name}"` : `"${segment.name}"`;
  return (
    <Modal open={!!segment} onClose={onClose} title={title}>
      {answer.isPending ? <Loading /> : answer.error ? <ErrorBox error={answer.error} retry={() => answer.refetch()} /> : <ExplainTree node={answer.data.explanation} />}
    </Modal>
  );
}
