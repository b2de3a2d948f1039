import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { fmtDateTime, fmtNumber } from '../../format.ts';
import { useChannels } from '../../queries.ts';
import { useCan } from '../../session.tsx';
import type { Channel } from '../../types.ts';
import { Empty, ErrorBox, Loading } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';

/**
 * The channels consent is kept per: the built-in ones and the workspace's own. The API lists and adds
 * them; it has no rename or delete, and a channel holds no credentials (so there is no secret to hide).
 */
export function ChannelsSettings() {
  const can = useCan();
  const channels = useChannels();
  return (
    <section className="card" aria-labelledby="channels-title">
      <div className="card-header"><h2 id="channels-title">Channels</h2></div>
      <p className="muted small">Consent (subscribed / unsubscribed) is kept per profile and channel. Add a channel for a way of reaching people that is not built in.</p>
      {can.write ? <CreateChannel /> : <p className="notice">Your role ({can.role}) can read the channels; an editor or admin adds new ones.</p>}
      {channels.isPending ? <Loading /> : channels.error ? <ErrorBox error={channels.error} retry={() => channels.refetch()} /> : channels.data.length === 0 ? (
        <Empty title="No channels yet." />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">Channels</caption>
            <thead><tr><th>Name</th><th>Label</th><th>Kind</th><th className="num">Subscribers</th><th>Added</th></tr></thead>
            <tbody>
              {channels.data.map((ch) => (
                <tr key={ch.name}>
                  <td><code>{ch.name}</code></td>
                  <td>{ch.label ?? '—'}</td>
                  <td><span className={`badge badge-${ch.builtin ? 'standard' : 'custom'}`}>{ch.builtin ? 'built-in' : 'custom'}</span></td>
                  <td className="num">{fmtNumber(ch.subscribers)}</td>
                  <td>{ch.builtin ? '—' : fmtDateTime(ch.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreateChannel() {
  const client = useQueryClient();
  const toast = useToast();
  const empty = { name: '', label: '' };
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: () => api<Channel>('POST', '/v1/channels', { name: form.name.trim(), label: form.label.trim() || undefined }),
    onSuccess: (ch) => { setForm(empty); toast(`Added channel "${ch.name}"`); return client.invalidateQueries({ queryKey: ['channels'] }); },
  });
  return (
    <form className="row create-form" onSubmit={(e) => { e.preventDefault(); create.mutate(); }} aria-label="New channel">
      <label className="grow">Name
        <input required placeholder="e.g. postal_mail" aria-describedby="channel-name-hint" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
      </label>
      <label className="grow">Label (optional)
        <input placeholder="e.g. Postal mail" value={form.label} onChange={(e) => setForm({ ...form, label: e.target.value })} />
      </label>
      <button type="submit" className="primary" disabled={create.isPending}>Add channel</button>
      <p id="channel-name-hint" className="muted small full">Name: lower-case letters, digits and _, starting with a letter; at most 32 characters.</p>
      {create.error && <ErrorBox error={create.error} />}
    </form>
  );
}
