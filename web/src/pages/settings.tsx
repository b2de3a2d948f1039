import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../api.ts';
import { fmtDateTime } from '../format.ts';
import { useCan, useSession } from '../session.tsx';
import type { ApiKey, Role, User, Workspace } from '../types.ts';
import { Modal } from '../ui/modal.tsx';
import { ErrorBox, Loading, PageHeader } from '../ui/states.tsx';
import { useToast } from '../ui/toast.tsx';

const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

export function SettingsPage() {
  const can = useCan();
  return (
    <div className="page">
      <PageHeader title="Settings" />
      <WorkspaceCard />
      {can.admin && <UsersCard />}
      <KeysCard />
      <PasswordCard />
    </div>
  );
}

function WorkspaceCard() {
  const can = useCan();
  const client = useQueryClient();
  const toast = useToast();
  const ws = useQuery({ queryKey: ['workspace'], queryFn: ({ signal }) => get<Workspace>('/v1/workspace', signal) });
  const [draft, setDraft] = useState<{ name: string; timezone: string } | null>(null);
  const save = useMutation({
    mutationFn: () => api<Workspace>('PATCH', '/v1/workspace', draft),
    onSuccess: (w) => {
      client.setQueryData(['workspace'], w);
      void client.invalidateQueries({ queryKey: ['session'] });
      setDraft(null);
      toast('Workspace saved');
    },
  });
  if (ws.isPending) return <section className="card"><Loading /></section>;
  if (ws.error) return <section className="card"><ErrorBox error={ws.error} /></section>;
  const d = draft ?? { name: ws.data.name, timezone: ws.data.timezone };
  return (
    <section className="card" aria-labelledby="ws-title">
      <h2 id="ws-title">Workspace</h2>
      <form className="row" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
        <label className="grow">Name<input value={d.name} readOnly={!can.admin} onChange={(e) => setDraft({ ...d, name: e.target.value })} /></label>
        <label className="grow">Time zone (date rules use it)
          <input list="zones" value={d.timezone} readOnly={!can.admin} onChange={(e) => setDraft({ ...d, timezone: e.target.value })} />
          <datalist id="zones">{ZONES.map((z) => <option key={z} value={z} />)}</datalist>
        </label>
        {can.admin && <button type="submit" className="primary" disabled={!draft || save.isPending}>Save</button>}
      </form>
      {save.error && <ErrorBox error={save.error} />}
      {!can.admin && <p className="muted small">Only an admin can change these.</p>}
    </section>
  );
}

function UsersCard() {
  const me = useSession().user;
  const client = useQueryClient();
  const toast = useToast();
  const users = useQuery({ queryKey: ['users'], queryFn: ({ signal }) => get<{ data: User[] }>('/v1/users', signal).then((r) => r.data) });
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ email: '', name: '', password: '', role: 'editor' as Role });
  const refresh = () => client.invalidateQueries({ queryKey: ['users'] });
  const create = useMutation({
    mutationFn: () => api<User>('POST', '/v1/users', { ...form, name: form.name || undefined }),
    onSuccess: (u) => { toast(`Added ${u.email}`); setAdding(false); setForm({ email: '', name: '', password: '', role: 'editor' }); return refresh(); },
  });
  const change = useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) => api<User>('PATCH', `/v1/users/${id}`, { role }),
    onSuccess: refresh,
    onError: (e) => toast(e.message, 'error'),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api('DELETE', `/v1/users/${id}`),
    onSuccess: refresh,
    onError: (e) => toast(e.message, 'error'),
  });
  return (
    <section className="card" aria-labelledby="users-title">
      <div className="card-header">
        <h2 id="users-title">Users</h2>
        <button type="button" className="primary" onClick={() => { create.reset(); setAdding(true); }}>Add user</button>
      </div>
      <p className="muted small">Viewers read; editors also change data and segments; admins also manage users, API keys and the workspace.</p>
      {users.isPending ? <Loading /> : users.error ? <ErrorBox error={users.error} /> : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Email</th><th>Name</th><th>Role</th><th>Last sign-in</th><th /></tr></thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id}>
                  <td>{u.email}{u.id === me?.id && <span className="badge">you</span>}</td>
                  <td>{u.name ?? '—'}</td>
                  <td>
                    <select aria-label={`Role of ${u.email}`} value={u.role} disabled={change.isPending} onChange={(e) => change.mutate({ id: u.id, role: e.target.value as Role })}>
                      <option value="admin">admin</option><option value="editor">editor</option><option value="viewer">viewer</option>
                    </select>
                  </td>
                  <td>{fmtDateTime(u.last_sign_in_at)}</td>
                  <td className="actions-cell">
                    <button type="button" className="link danger-text" disabled={remove.isPending}
                      onClick={() => { if (confirm(`Remove ${u.email}? They are signed out at once.`)) remove.mutate(u.id); }}>Remove</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Modal open={adding} onClose={() => setAdding(false)} title="Add a user"
        footer={<><button type="button" onClick={() => setAdding(false)}>Cancel</button>
          <button type="submit" form="add-user" className="primary" disabled={create.isPending}>Add user</button></>}>
        <form id="add-user" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
          <label>Email<input type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} autoFocus /></label>
          <label>Name (optional)<input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
          <label>Password (8 characters or more; they can change it)
            <input type="password" autoComplete="new-password" required minLength={8} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          </label>
          <label>Role
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              <option value="viewer">viewer</option><option value="editor">editor</option><option value="admin">admin</option>
            </select>
          </label>
          {create.error && <ErrorBox error={create.error} />}
        </form>
      </Modal>
    </section>
  );
}

function KeysCard() {
  const can = useCan();
  const client = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: ({ signal }) => get<{ data: ApiKey[] }>('/v1/keys', signal).then((r) => r.data) });
  const [form, setForm] = useState({ name: '', kind: 'secret' as 'secret' | 'write' });
  const [created, setCreated] = useState<ApiKey | null>(null);
  const create = useMutation({
    mutationFn: () => api<ApiKey>('POST', '/v1/keys', form),
    onSuccess: (k) => { setCreated(k); setForm({ name: '', kind: 'secret' }); return client.invalidateQueries({ queryKey: ['keys'] }); },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api('DELETE', `/v1/keys/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['keys'] }),
  });
  return (
    <section className="card" aria-labelledby="keys-title">
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
      <Modal open={!!created} onClose={() => setCreated(null)} title="Your new API key" footer={<button type="button" className="primary" onClick={() => setCreated(null)}>I have stored it</button>}>
        <p>This is the only time the key is shown. Store it now.</p>
        <pre className="secret"><code>{created?.key}</code></pre>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(created?.key ?? '')}>Copy</button>
      </Modal>
    </section>
  );
}

function PasswordCard() {
  const me = useSession().user;
  const toast = useToast();
  const [form, setForm] = useState({ current_password: '', new_password: '' });
  const change = useMutation({
    mutationFn: () => api('PUT', '/v1/session/password', form),
    onSuccess: () => { setForm({ current_password: '', new_password: '' }); toast('Password changed; your other sessions are signed out'); },
  });
  if (!me) return null;
  return (
    <section className="card" aria-labelledby="pw-title">
      <h2 id="pw-title">Your password</h2>
      <form className="row" onSubmit={(e) => { e.preventDefault(); change.mutate(); }}>
        <label className="grow">Current password<input type="password" autoComplete="current-password" required value={form.current_password} onChange={(e) => setForm({ ...form, current_password: e.target.value })} /></label>
        <label className="grow">New password<input type="password" autoComplete="new-password" required minLength={8} value={form.new_password} onChange={(e) => setForm({ ...form, new_password: e.target.value })} /></label>
        <button type="submit" disabled={change.isPending}>Change password</button>
      </form>
      {change.error && <ErrorBox error={change.error} />}
    </section>
  );
}
