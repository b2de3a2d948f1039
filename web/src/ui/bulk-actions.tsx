import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorMessage } from '../api.ts';
import { fmtNumber } from '../format.ts';
import { useLists, useTags } from '../queries.ts';
import { useCan } from '../session.tsx';
import type { BulkCounts, List, Tag } from '../types.ts';
import { useToast } from './toast.tsx';

type Answer = BulkCounts | { job: { id: string } };
const summary = (a: Answer, verb: string) =>
  'job' in a ? `${verb}: running in the background` : `${verb}: ${fmtNumber(a.changed)} profile(s)${a.unchanged ? `, ${fmtNumber(a.unchanged)} already` : ''}${a.invalid ? `, ${a.invalid} invalid` : ''}`;

/** What to do with the selected profiles: add a tag, add to a list (both created on the fly), export. */
export function BulkActions({ profileIds, onDone, onExport }: { profileIds: string[]; onDone: () => void; onExport: () => void }) {
  const can = useCan();
  const tags = useTags();
  const lists = useLists();
  const toast = useToast();
  const client = useQueryClient();
  const [tagName, setTagName] = useState('');
  const [listName, setListName] = useState('');

  const tag = useMutation({
    mutationFn: async (name: string) => {
      const existing = tags.data?.find((t) => t.name === name) ?? (await api<Tag>('POST', '/v1/tags', { name }));
      return api<Answer>('POST', `/v1/tags/${existing.id}/profiles`, { profile_ids: profileIds });
    },
    onSuccess: (a, name) => {
      toast(summary(a, `Tagged "${name}"`));
      setTagName('');
      void client.invalidateQueries({ queryKey: ['tags'] });
      void client.invalidateQueries({ queryKey: ['profile'] });
      onDone();
    },
    onError: (e) => toast(errorMessage(e), 'error'),
  });
  const list = useMutation({
    mutationFn: async (name: string) => {
      const existing = lists.data?.find((l) => l.name === name) ?? (await api<List>('POST', '/v1/lists', { name }));
      return api<Answer>('POST', `/v1/lists/${existing.id}/members`, { profile_ids: profileIds });
    },
    onSuccess: (a, name) => {
      toast(summary(a, `Added to "${name}"`));
      setListName('');
      void client.invalidateQueries({ queryKey: ['lists'] });
      void client.invalidateQueries({ queryKey: ['profile'] });
      onDone();
    },
    onError: (e) => toast(errorMessage(e), 'error'),
  });

  return (
    <div className="bulk-bar" role="region" aria-label="Selected profiles">
      <strong>{profileIds.length} selected</strong>
      {can.write && (
        <>
          <form className="inline" onSubmit={(e) => { e.preventDefault(); if (tagName.trim()) tag.mutate(tagName.trim()); }}>
            <input list="bulk-tags" placeholder="Tag name" aria-label="Tag to add" value={tagName} onChange={(e) => setTagName(e.target.value)} />
            <datalist id="bulk-tags">{tags.data?.map((t) => <option key={t.id} value={t.name} />)}</datalist>
            <button type="submit" disabled={!tagName.trim() || tag.isPending}>Add tag</button>
          </form>
          <form className="inline" onSubmit={(e) => { e.preventDefault(); if (listName.trim()) list.mutate(listName.trim()); }}>
            <input list="bulk-lists" placeholder="List name" aria-label="List to add to" value={listName} onChange={(e) => setListName(e.target.value)} />
            <datalist id="bulk-lists">{lists.data?.map((l) => <option key={l.id} value={l.name} />)}</datalist>
            <button type="submit" disabled={!listName.trim() || list.isPending}>Add to list</button>
          </form>
        </>
      )}
      <button type="button" onClick={onExport}>Export CSV</button>
      <button type="button" className="link" onClick={onDone}>Clear selection</button>
    </div>
  );
}
