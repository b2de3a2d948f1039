import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { fmtDateTime, fmtNumber } from '../format.ts';
import { useTags } from '../queries.ts';
import { useCan } from '../session.tsx';
import type { Res, Tag } from '../types.ts';
import { Modal } from '../ui/modal.tsx';
import { Empty, ErrorBox, Loading, PageHeader } from '../ui/states.tsx';
import { useToast } from '../ui/toast.tsx';

export function TagsPage() {
  const tags = useTags();
  const can = useCan();
  const client = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState('');
  const [filter, setFilter] = useState('');
  const [deleting, setDeleting] = useState<Tag | null>(null);
  const create = useMutation({
    mutationFn: (n: string) => api<Tag>('POST', '/v1/tags', { name: n }),
    onSuccess: (t) => { setName(''); toast(`Created tag "${t.name}"`); return client.invalidateQueries({ queryKey: ['tags'] }); },
  });
  const remove = useMutation({
    mutationFn: (t: Tag) => api<Res<'/v1/tags/{id}', 'delete'>>('DELETE', `/v1/tags/${t.id}`),
    onSuccess: (r, t) => { setDeleting(null); toast(`Deleted "${t.name}" (removed from ${fmtNumber(r.profiles_untagged)} profiles)`); return client.invalidateQueries({ queryKey: ['tags'] }); },
  });
  const shown = (tags.data ?? []).filter((t) => t.name.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div className="page">
      <PageHeader title="Tags" subtitle="Labels on profiles, with how many profiles have each." />
      <div className="toolbar">
        <input type="search" className="grow" placeholder="Filter tags…" aria-label="Filter tags" value={filter} onChange={(e) => setFilter(e.target.value)} />
        {can.write && (
          <form className="inline" onSubmit={(e) => { e.preventDefault(); if (name.trim()) create.mutate(name.trim()); }}>
            <input placeholder="New tag name" aria-label="New tag name" value={name} onChange={(e) => setName(e.target.value)} />
            <button type="submit" className="primary" disabled={!name.trim() || create.isPending}>Create tag</button>
          </form>
        )}
      </div>
      {create.error && <ErrorBox error={create.error} />}
      {tags.isPending ? <Loading /> : tags.error ? <ErrorBox error={tags.error} retry={() => tags.refetch()} /> : shown.length === 0 ? (
        <Empty title={filter ? 'No tag matches.' : 'No tags yet.'}><p className="muted">Tag people from the People table or a profile page.</p></Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Tag</th><th className="num">Profiles</th><th>Created</th><th /></tr></thead>
            <tbody>
              {shown.map((t) => (
                <tr key={t.id}>
                  <td><Link to={`/people?tag=${encodeURIComponent(t.name)}`}>{t.name}</Link></td>
                  <td className="num">{fmtNumber(t.profile_count)}</td>
                  <td>{fmtDateTime(t.created_at)}</td>
                  <td className="actions-cell">{can.write && <button type="button" className="link danger-text" onClick={() => { remove.reset(); setDeleting(t); }}>Delete</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Modal open={!!deleting} onClose={() => setDeleting(null)} title={`Delete tag "${deleting?.name}"?`}
        footer={<><button type="button" onClick={() => setDeleting(null)}>Cancel</button>
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => deleting && remove.mutate(deleting)}>Delete</button></>}>
        <p>It is removed from {fmtNumber(deleting?.profile_count)} profiles. Segments that use it stop matching them.</p>
        {remove.error && <ErrorBox error={remove.error} />}
      </Modal>
    </div>
  );
}
