import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { api, get, qs } from '../../api.ts';
import { fmtDateTime } from '../../format.ts';
import { useCan } from '../../session.tsx';
import type { Page, WebhookDelivery } from '../../types.ts';
import { CursorPager } from '../../ui/data-table.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';

type Status = WebhookDelivery['status'];
const PAGE = 25;
// Deliveries change in the background (the worker sends and retries them): the log polls while it is open.
const POLL_MS = 3000;

/** A webhook's delivery log, newest first: status, attempts, the receiver's answer, the next retry, the payload. */
/** `paused`: stop polling (while the webhook is being deleted, a poll would ask for a log that is gone). */
export function DeliveryLog({ webhookId, paused = false }: { webhookId: string; paused?: boolean }) {
  const can = useCan();
  const client = useQueryClient();
  const toast = useToast();
  const [status, setStatus] = useState<Status | ''>('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [open, setOpen] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const log = useQuery({
    queryKey: ['webhook-deliveries', webhookId, status, cursor],
    queryFn: ({ signal }) => get<Page<WebhookDelivery>>(`/v1/webhooks/${webhookId}/deliveries${qs({ status, cursor, limit: PAGE })}`, signal),
    refetchInterval: paused ? false : POLL_MS,
    enabled: !paused,
  });
  const retry = useMutation({
    mutationFn: (d: WebhookDelivery) => api<WebhookDelivery>('POST', `/v1/webhooks/${webhookId}/deliveries/${d.id}/retry`),
    onSuccess: (d) => {
      toast(d.status === 'succeeded' ? `Redelivered (HTTP ${d.last_status})` : `Redelivery failed: ${d.last_error ?? `HTTP ${d.last_status}`}`, d.status === 'succeeded' ? 'ok' : 'error');
      return client.invalidateQueries({ queryKey: ['webhook-deliveries', webhookId] });
    },
  });
  const filter = (s: Status | '') => { setStatus(s); setCursors([undefined]); };
  return (
    <section className="card" aria-labelledby="deliveries-title">
      <div className="card-header">
        <h2 id="deliveries-title">Delivery log</h2>
        <select aria-label="Delivery status" value={status} onChange={(e) => filter(e.target.value as Status | '')}>
          <option value="">Every status</option><option value="pending">pending</option><option value="succeeded">succeeded</option><option value="failed">failed</option>
        </select>
      </div>
      <p className="muted small">Each delivery keeps its id and body on every attempt. A pending one is retried with a doubling wait (10 s, 20 s, 40 s… at most 1 h) and marked failed after its last attempt.</p>
      {retry.error && <ErrorBox error={retry.error} />}
      {log.isPending ? <Loading /> : log.error ? <ErrorBox error={log.error} retry={() => log.refetch()} /> : log.data.data.length === 0 ? (
        <Empty title={status ? `No ${status} deliveries.` : 'No deliveries yet.'}>
          <p className="muted">A delivery is queued for each matching segment enter or exit from now on{can.write ? ', or send a test ping' : ''}.</p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table deliveries">
            <caption className="sr-only">Deliveries</caption>
            <thead>
              <tr><th>Created</th><th>Event</th><th>Status</th><th className="num">Attempts</th><th>Response</th><th>Last attempt</th><th>Next retry</th><th /></tr>
            </thead>
            <tbody>
              {log.data.data.map((d) => (
                <Fragment key={d.id}>
                  <tr data-delivery={d.id} data-status={d.status}>
                    <td>{fmtDateTime(d.created_at)}</td>
                    <td><code>{d.event}</code></td>
                    <td><span className={`badge badge-${d.status}`}>{d.status}</span></td>
                    <td className="num">{d.attempts}</td>
                    <td>
                      {d.last_status === null ? '—' : `HTTP ${d.last_status}`}
                      {d.last_error && <div className="muted small break">{d.last_error}</div>}
                    </td>
                    <td>{fmtDateTime(d.last_attempt_at)}</td>
                    <td>{d.status === 'pending' ? fmtDateTime(d.next_attempt_at) : '—'}</td>
                    <td className="actions-cell">
                      <button type="button" className="link" aria-expanded={open === d.id} aria-controls={`payload-${d.id}`}
                        onClick={() => setOpen(open === d.id ? null : d.id)}>{open === d.id ? 'Hide payload' : 'Payload'}</button>
                      {can.write && (
                        <button type="button" className="link" disabled={retry.isPending} onClick={() => retry.mutate(d)}>Redeliver</button>
                      )}
                    </td>
                  </tr>
                  {open === d.id && (
                    <tr id={`payload-${d.id}`} className="payload-row">
                      <td colSpan={8}>
                        <p className="muted small">Delivery id <code>{d.id}</code>{d.delivered_at && <> · delivered {fmtDateTime(d.delivered_at)}</>}</p>
                        <pre className="payload">{JSON.stringify(d.payload, null, 2)}</pre>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CursorPager page={cursors.length - 1} hasNext={!!log.data?.next_cursor}
        onPrev={() => setCursors(cursors.slice(0, -1))} onNext={() => setCursors([...cursors, log.data?.next_cursor ?? undefined])} />
    </section>
  );
}
