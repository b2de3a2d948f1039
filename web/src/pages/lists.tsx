import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, get } from '../api.ts';
import { fmtDateTime, fmtNumber } from '../format.ts';
import { useLists } from '../queries.ts';
import { useCan } from '../session.tsx';
import type { List, Res } from '../types.ts';
import { Modal } from '../ui/modal.tsx';
import { Empty, ErrorBox, Loading, PageHeader } from '../ui/states.tsx';
import { useToast } from '../ui/toast.tsx';
import { MembersTable } from './segment-members.tsx';

export function ListsPage() {
  const lists = useLists();
  const can = useCan();
  const client = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: (n: string) => api<List>('POST', '/v1/lists', { name: n }),
    onSuccess: (l) => { setName(''); toast(`Created list "${l.name}"`); return client.invalidateQueries({ queryKey: ['lists'] }); },
  });
  return (
    <div className="page">
      <PageHeader title="Lists" subtitle="Static lists: hand-picked people." />
      {can.write && (
        <form className="toolbar" onSubmit={(e) => { e.preventDefault(); if (name.trim()) create.mutate(name.trim()); }}>
          <input className="grow" placeholder="New list name" aria-label="New list name" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="primary" disabled={!name.trim() || create.isPending}>Create list</button>
        </form>
      )}
      {create.error && <ErrorBox error={create.error} />}
      {lists.isPending ? <Loading /> : lists.error ? <ErrorBox error={lists.error} retry={() => lists.refetch()} /> : lists.data.length === 0 ? (
        <Empty title="No lists yet."><p className="muted">Create one here, or add people to a new list from the People table.</p></Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>List</th><th className="num">Members</th><th>Updated</th></tr></thead>
            <tbody>
              {lists.data.map((l) => (
                <tr key={l.id}>
                  <td><Link to={`/lists/${l.id}`}>{l.name}</Link>{l.description && <div className="muted small">{l.description}</div>}</td>
                  <td className="num">{fmtNumber(l.member_count)}</td>
                  <td>{fmtDateTime(l.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function ListPage() {
  const { id } = useParams() as { id: string };
  const can = useCan();
  const navigate = useNavigate();
  const client = useQueryClient();
  const toast = useToast();
  const list = useQuery({ queryKey: ['list', id], queryFn: ({ signal }) => get<List>(`/v1/lists/${id}`, signal) });
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [draft, setDraft] = useState({ name: '', description: '' });
  const update = useMutation({
    mutationFn: () => api<List>('PATCH', `/v1/lists/${id}`, { name: draft.name.trim(), description: draft.description.trim() || null }),
    onSuccess: (l) => { client.setQueryData(['list', id], l); setEditing(false); return client.invalidateQueries({ queryKey: ['lists'] }); },
  });
  const remove = useMutation({
    mutationFn: () => api('DELETE', `/v1/lists/${id}`),
    onSuccess: () => { toast('List deleted'); void client.invalidateQueries({ queryKey: ['lists'] }); navigate('/lists'); },
  });
  const removeMembers = useMutation({
    mutationFn: (ids: string[]) => api<Res<'/v1/lists/{id}/members', 'delete'>>('DELETE', `/v1/lists/${id}/members`, { profile_ids: ids }),
    onSuccess: (r) => {
      toast(`Removed ${fmtNumber(r.changed)} from the list`);
      for (const key of [['list', id], ['lists'], ['members', `/v1/lists/${id}`]]) void client.invalidateQueries({ queryKey: key });
    },
    onError: (e) => toast(e.message, 'error'),
  });
  if (list.isPending) return <div className="page"><Loading /></div>;
  if (list.error) return <div className="page"><ErrorBox error={list.error} retry={() => list.refetch()} /></div>;
  const l = list.data;
  return (
    <div className="page">
      <PageHeader title={l.name} subtitle={<>{fmtNumber(l.member_count)} members{l.description ? ` · ${l.description}` : ''}</>}
        actions={can.write && <>
          <button type="button" onClick={() => { setDraft({ name: l.name, description: l.description ?? '' }); setEditing(true); }}>Rename…</button>
          <button type="button" className="danger" onClick={() => setDeleting(true)}>Delete…</button>
        </>} />
      <MembersTable base={`/v1/lists/${id}`} exportName={`list-${l.name}.csv`} dateField="added_at" dateLabel="Added"
        selectionActions={can.write ? (ids, clear) => (
          <div className="bulk-bar">
            <button type="button" className="danger" disabled={removeMembers.isPending} onClick={() => removeMembers.mutate(ids, { onSuccess: clear })}>
              Remove {fmtNumber(ids.length)} from the list
            </button>
          </div>
        ) : undefined} />
      <Modal open={editing} onClose={() => setEditing(false)} title="Rename list"
        footer={<><button type="button" onClick={() => setEditing(false)}>Cancel</button>
          <button type="button" className="primary" disabled={!draft.name.trim() || update.isPending} onClick={() => update.mutate()}>Save</button></>}>
        <label>Name<input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} autoFocus /></label>
        <label>Description<input value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} /></label>
        {update.error && <ErrorBox error={update.error} />}
      </Modal>
      <Modal open={deleting} onClose={() => setDeleting(false)} title={`Delete "${l.name}"?`}
        footer={<><button type="button" onClick={() => setDeleting(false)}>Cancel</button>
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>Delete</button></>}>
        <p>The list goes; its {fmtNumber(l.member_count)} people stay.</p>
        {remove.error && <ErrorBox error={remove.error} />}
      </Modal>
    </div>
  );
}
