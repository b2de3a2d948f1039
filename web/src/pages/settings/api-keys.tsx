import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../../api.ts';
import { fmtDateTime } from '../../format.ts';
import { useCan } from '../../session.tsx';
import type { ApiKey, NewApiKey } from '../../types.ts';
import { ErrorBox, Loading } from '../../ui/states.tsx';
import { SecretOnce } from './secret-once.tsx';

/** API keys for programs: created and revoked by admins; a new key is shown once. */
export function KeysCard() {
  const can = useCan();
  const client = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: ({ signal }) => get<{ data: ApiKey[] }>('/v1/keys', signal).then((r) => r.data) });
  const [form, setForm] = useState({ name: '', kind: 'secret' as 'secret' | 'write' });
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const create = useMutation({
    mutationFn: () => api<NewApiKey>('POST', '/v1/keys', form),
    onSuccess: (k) => { setCreated(k); setForm({ name: '', kind: 'secret' }); return client.invalidateQueries({ queryKey: ['keys'] }); },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api('DELETE', `/v1/keys/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['keys'] }),
  });
  return (
    <section className="card" id="keys" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <p className="muted small">For programs. A secret key reaches the whole API; a write key only sends tracking data (safe in apps and web pages).</p>
      {can.admin && (
        <form className="toolbar" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
          <input className="grow" placeholder="Key name, e.g. Website" aria-label="Key name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <select aria-label="Key kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as 'secret' | 'write' })}>
            <option value="secret">secret</option><option value="write">write</option>
          </select>
          <button type="submit" className="primary" disabled={create.isPending}>Create key</button>
        </form>
      )}
      {create.error && <ErrorBox error={create.error} />}
      {revoke.error && <ErrorBox error={revoke.error} />}
      {keys.isPending ? <Loading /> : keys.error ? <ErrorBox error={keys.error} /> : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Name</th><th>Kind</th><th>Starts with</th><th>Created</th><th>Status</th><th /></tr></thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td><td>{k.kind}</td><td><code>{k.prefix}…</code></td><td>{fmtDateTime(k.created_at)}</td>
                  <td>{k.revoked_at ? <span className="muted">revoked {fmtDateTime(k.revoked_at)}</span> : 'active'}</td>
                  <td className="actions-cell">{can.admin && !k.revoked_at && (
                    <button type="button" className="link danger-text" onClick={() => { if (confirm(`Revoke "${k.name}"? Programs using it stop working at once.`)) revoke.mutate(k.id); }}>Revoke</button>
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <SecretOnce title="Your new API key" secret={created?.key} onClose={() => setCreated(null)} />
    </section>
  );
}

