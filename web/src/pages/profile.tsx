import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, get } from '../api.ts';
import { fmtDateTime, personName } from '../format.ts';
import { useCan } from '../session.tsx';
import type { ProfileDetail, Res } from '../types.ts';
import { Modal } from '../ui/modal.tsx';
import { ErrorBox, Loading, PageHeader } from '../ui/states.tsx';
import { useToast } from '../ui/toast.tsx';
import { AttributesCard } from './profile/attributes.tsx';
import { ConsentCard } from './profile/consent.tsx';
import { EventsCard } from './profile/events.tsx';
import { DncCard, ListsCard, SegmentsCard, TagsCard } from './profile/membership.tsx';

export function ProfilePage() {
  const { id } = useParams() as { id: string };
  const profile = useQuery({ queryKey: ['profile', id], queryFn: ({ signal }) => get<ProfileDetail>(`/v1/profiles/${id}`, signal) });
  const can = useCan();
  const [erasing, setErasing] = useState(false);

  if (profile.isPending) return <div className="page"><Loading /></div>;
  if (profile.isError) return <div className="page"><ErrorBox error={profile.error} retry={() => profile.refetch()} /></div>;
  const p = profile.data;
  return (
    <div className="page">
      <PageHeader
        title={personName({ ...p.attributes, id: p.id })}
        subtitle={<>Created {fmtDateTime(p.created_at)} · updated {fmtDateTime(p.updated_at)}</>}
        actions={can.write && <button type="button" className="danger" onClick={() => setErasing(true)}>Erase…</button>}
      />
      <section className="card" aria-labelledby="ids-title">
        <h2 id="ids-title">Identifiers</h2>
        <dl className="identifiers">
          <div><dt>Profile id</dt><dd><code>{p.id}</code></dd></div>
          {p.identifiers.map((i) => (
            <div key={`${i.kind}:${i.value}`}><dt>{i.kind.replace('_', ' ')}</dt><dd>{i.value}</dd></div>
          ))}
        </dl>
      </section>
      <div className="grid-2">
        <AttributesCard profile={p} />
        <div className="stack">
          <ConsentCard profileId={p.id} />
          <DncCard profile={p} />
          <TagsCard profile={p} />
          <ListsCard profile={p} />
        </div>
      </div>
      <SegmentsCard profileId={p.id} />
      <EventsCard profileId={p.id} />
      <EraseDialog open={erasing} onClose={() => setErasing(false)} profile={p} />
    </div>
  );
}

function EraseDialog({ open, onClose, profile }: { open: boolean; onClose: () => void; profile: ProfileDetail }) {
  const [typed, setTyped] = useState('');
  const navigate = useNavigate();
  const client = useQueryClient();
  const toast = useToast();
  const erase = useMutation({
    mutationFn: () => api<Res<'/v1/profiles/{id}', 'delete'>>('DELETE', `/v1/profiles/${profile.id}`),
    onSuccess: () => {
      toast('Profile erased');
      client.removeQueries({ queryKey: ['profile', profile.id] });
      void client.invalidateQueries({ queryKey: ['profiles'] });
      void client.invalidateQueries({ queryKey: ['preview'] });
      navigate('/people');
    },
  });
  return (
    <Modal open={open} onClose={onClose} title="Erase this profile?"
      footer={<>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="danger" disabled={typed !== 'erase' || erase.isPending} onClick={() => erase.mutate()}>Erase for good</button>
      </>}>
      <p>This removes the profile, its identifiers, events, tags, list memberships and consent. It can not be undone.</p>
      <label>Type <strong>erase</strong> to confirm
        <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
      </label>
      {erase.error && <ErrorBox error={erase.error} />}
    </Modal>
  );
}
