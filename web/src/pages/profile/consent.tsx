import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get, qs } from '../../api.ts';
import { fmtDateTime } from '../../format.ts';
import { useCan } from '../../session.tsx';
import type { Consent, Page, PrivacyLogLine } from '../../types.ts';
import { ErrorBox, Loading } from '../../ui/states.tsx';

/** Consent per channel (changes are recorded with source "console") and the privacy log. */
export function ConsentCard({ profileId }: { profileId: string }) {
  const can = useCan();
  const client = useQueryClient();
  const [showLog, setShowLog] = useState(false);
  const consent = useQuery({
    queryKey: ['profile', profileId, 'consent'],
    queryFn: ({ signal }) => get<{ data: Consent[] }>(`/v1/profiles/${profileId}/consent`, signal).then((r) => r.data),
  });
  const set = useMutation({
    mutationFn: ({ channel, status }: { channel: string; status: string }) =>
      api('PUT', `/v1/profiles/${profileId}/consent/${encodeURIComponent(channel)}`, { status, source: 'console' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['profile', profileId] }),
  });
  return (
    <section className="card" aria-labelledby="consent-title">
      <h2 id="consent-title">Consent</h2>
      {consent.isPending ? <Loading /> : consent.error ? <ErrorBox error={consent.error} /> : (
        <table className="kv">
          <tbody>
            {consent.data.map((c) => (
              <tr key={c.channel}>
                <th scope="row">{c.channel}</th>
                <td>
                  {can.write ? (
                    <select aria-label={`Consent on ${c.channel}`} value={c.status} disabled={set.isPending}
                      onChange={(e) => set.mutate({ channel: c.channel, status: e.target.value })}>
                      {c.status === 'none' && <option value="none">never asked</option>}
                      <option value="subscribed">subscribed</option>
                      <option value="unsubscribed">unsubscribed</option>
                    </select>
                  ) : (
                    <span className={`status status-${c.status}`}>{c.status === 'none' ? 'never asked' : c.status}</span>
                  )}
                  {c.updated_at && <span className="muted small"> {c.source} · {fmtDateTime(c.updated_at)}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {set.error && <ErrorBox error={set.error} />}
      <button type="button" className="link small" aria-expanded={showLog} onClick={() => setShowLog(!showLog)}>
        {showLog ? 'Hide' : 'Show'} privacy log
      </button>
      {showLog && <PrivacyLog profileId={profileId} />}
    </section>
  );
}

function PrivacyLog({ profileId }: { profileId: string }) {
  const log = useInfiniteQuery({
    queryKey: ['profile', profileId, 'privacy-log'],
    queryFn: ({ pageParam, signal }) => get<Page<PrivacyLogLine>>(`/v1/profiles/${profileId}/privacy-log${qs({ cursor: pageParam, limit: 20 })}`, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.next_cursor ?? undefined,
  });
  if (log.isPending) return <Loading />;
  if (log.error) return <ErrorBox error={log.error} />;
  const lines = log.data.pages.flatMap((p) => p.data);
  if (lines.length === 0) return <p className="muted small">Nothing recorded yet.</p>;
  return (
    <>
      <ol className="log">
        {lines.map((l) => (
          <li key={l.id}>
            <span className="muted small">{fmtDateTime(l.at)}</span>{' '}
            {l.channel && <strong>{l.channel}: </strong>}{l.old_value} → {l.new_value}
            <span className="muted small"> · {l.source} · by {l.actor.kind}{l.note ? ` · ${l.note}` : ''}</span>
          </li>
        ))}
      </ol>
      {log.hasNextPage && <button type="button" className="link small" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>Load more</button>}
    </>
  );
}
