import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { api, get } from '../../api.ts';
import { useCan, useSession } from '../../session.tsx';
import type { Workspace } from '../../types.ts';
import { ErrorBox, Loading } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';
import { KeysCard } from './api-keys.tsx';
import { UsersCard } from './users.tsx';

const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

/** /settings: the workspace, its users (admins), API keys and your password; the nav links to each section by its id. */
export function WorkspaceSettings() {
  const can = useCan();
  const { hash } = useLocation();
  useEffect(() => {
    if (hash) document.getElementById(hash.slice(1))?.scrollIntoView({ block: 'start' });
  }, [hash]);
  return (
    <>
      <WorkspaceCard />
      {can.admin && <UsersCard />}
      <KeysCard />
      <PasswordCard />
    </>
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
    <section className="card" id="workspace" aria-labelledby="ws-title">
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
