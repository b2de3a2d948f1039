import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../../api.ts';
import { fmtDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import type { Role, User } from '../../types.ts';
import { Modal } from '../../ui/modal.tsx';
import { ErrorBox, Loading } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';

/** The workspace's users and their roles (admins only: the API refuses the others). */
export function UsersCard() {
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
    <section className="card" id="users" aria-labelledby="users-title">
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

