import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { get, qs } from '../../api.ts';
import { fmtDateTime, fmtValue } from '../../format.ts';
import { useEventNames } from '../../queries.ts';
import type { Page, TrackedEvent } from '../../types.ts';
import { ErrorBox, Loading } from '../../ui/states.tsx';

/** The profile's events, newest first, filtered by name; the next page loads as the end scrolls into view. */
export function EventsCard({ profileId }: { profileId: string }) {
  const [name, setName] = useState('');
  const names = useEventNames();
  const events = useInfiniteQuery({
    queryKey: ['profile', profileId, 'events', name],
    queryFn: ({ pageParam, signal }) => get<Page<TrackedEvent>>(`/v1/profiles/${profileId}/events${qs({ name, cursor: pageParam, limit: 30 })}`, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.next_cursor ?? undefined,
  });
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = end.current;
    if (!el || !events.hasNextPage) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !events.isFetchingNextPage) void events.fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [events.hasNextPage, events.isFetchingNextPage, events.fetchNextPage]);

  const rows = events.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section className="card" aria-labelledby="events-title">
      <div className="card-header">
        <h2 id="events-title">Events</h2>
        <select aria-label="Event name" value={name} onChange={(e) => setName(e.target.value)}>
          <option value="">All events</option>
          {names.data?.map((n) => <option key={n.name} value={n.name}>{n.name}</option>)}
        </select>
      </div>
      {events.isPending ? <Loading /> : events.error ? <ErrorBox error={events.error} retry={() => events.refetch()} /> : rows.length === 0 ? (
        <p className="muted">No events{name ? ` named ${name}` : ''}.</p>
      ) : (
        <ol className="timeline">
          {rows.map((e) => (
            <li key={e.message_id}>
              <time dateTime={e.ts}>{fmtDateTime(e.ts)}</time>
              <strong>{e.name}</strong>
              <span className="props">
                {Object.entries(e.properties).slice(0, 8).map(([k, v]) => <span key={k} className="prop">{k}: {fmtValue(v)}</span>)}
              </span>
            </li>
          ))}
        </ol>
      )}
      <div ref={end} />
      {events.hasNextPage && (
        <button type="button" onClick={() => events.fetchNextPage()} disabled={events.isFetchingNextPage}>
          {events.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
