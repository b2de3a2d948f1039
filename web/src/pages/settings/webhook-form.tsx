import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useAllSegments } from '../../queries.ts';
import type { Webhook, WebhookEvent } from '../../types.ts';
import { ErrorBox, Loading } from '../../ui/states.tsx';

export const WEBHOOK_EVENTS: { event: WebhookEvent; label: string }[] = [
  { event: 'segment.entered', label: 'a profile enters a segment' },
  { event: 'segment.exited', label: 'a profile leaves a segment' },
];

/** What the create and the edit send: the same fields (the create also gets a generated secret). */
export interface WebhookBody {
  url: string;
  description: string | null;
  events: WebhookEvent[];
  /** null: every segment. */
  segment_ids: string[] | null;
}

/**
 * The fields of a webhook, for the create and the edit. Checks nothing itself: the API's 4xx (with the
 * path of the wrong field) is shown as it comes, so the rules live in one place.
 */
export function WebhookForm({ id, initial, error, onSubmit }: {
  id: string; initial?: Webhook; error: unknown; onSubmit: (body: WebhookBody) => void;
}) {
  const segments = useAllSegments();
  const client = useQueryClient();
  // The picker lists the segments of now, not of the minute the shared lookup is cached for.
  useEffect(() => void client.invalidateQueries({ queryKey: ['segments', 'all'] }), [client]);
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [events, setEvents] = useState<WebhookEvent[]>(initial?.events ?? ['segment.entered', 'segment.exited']);
  const [only, setOnly] = useState<string[] | null>(initial?.segment_ids ?? null);
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ url: url.trim(), description: description.trim() || null, events, segment_ids: only });
  };
  return (
    <form id={id} onSubmit={submit}>
      <label>URL (receives a signed POST per delivery)
        <input type="text" inputMode="url" required placeholder="https://example.com/audience" value={url} onChange={(e) => setUrl(e.target.value)} autoFocus />
      </label>
      <label>Description (optional)<input value={description} onChange={(e) => setDescription(e.target.value)} /></label>
      <fieldset className="fieldset">
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((ev) => (
          <label key={ev.event} className="inline">
            <input type="checkbox" checked={events.includes(ev.event)} onChange={() => setEvents(toggle(events, ev.event))} />
            <code>{ev.event}</code> <span className="muted">{ev.label}</span>
          </label>
        ))}
      </fieldset>
      <fieldset className="fieldset">
        <legend>Segments</legend>
        <label className="inline"><input type="radio" name={`${id}-scope`} checked={only === null} onChange={() => setOnly(null)} /> Every segment</label>
        <label className="inline"><input type="radio" name={`${id}-scope`} checked={only !== null} onChange={() => setOnly(only ?? [])} /> Only these segments</label>
        {only !== null && (
          segments.isPending ? <Loading /> : segments.error ? <ErrorBox error={segments.error} retry={() => segments.refetch()} /> : segments.data.length === 0 ? (
            <p className="muted small">The workspace has no segments yet.</p>
          ) : (
            <div className="check-list" role="group" aria-label="Segments to send">
              {segments.data.map((sg) => (
                <label key={sg.id} className="inline">
                  <input type="checkbox" checked={only.includes(sg.id)} onChange={() => setOnly(toggle(only, sg.id))} /> {sg.name}
                </label>
              ))}
            </div>
          )
        )}
      </fieldset>
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}
