import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, get } from '../../api.ts';
import { fmtDateTime } from '../../format.ts';
import { useAllSegments } from '../../queries.ts';
import { useCan } from '../../session.tsx';
import type { NewWebhook, Webhook } from '../../types.ts';
import { Modal } from '../../ui/modal.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';
import { SecretOnce } from './secret-once.tsx';
import { WebhookForm, type WebhookBody } from './webhook-form.tsx';

export const useWebhooks = () =>
  useQuery({ queryKey: ['webhooks'], queryFn: ({ signal }) => get<{ data: Webhook[] }>('/v1/webhooks', signal).then((r) => r.data) });

/** Pause (`active: false`) or resume a webhook; resuming catches up from where it stopped. */
export function useSetActive() {
  const client = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: (w: Webhook) => api<Webhook>('PATCH', `/v1/webhooks/${w.id}`, { active: !w.active }),
    onSuccess: (w) => { toast(w.active ? 'Webhook resumed' : 'Webhook paused'); return client.invalidateQueries({ queryKey: ['webhooks'] }); },
    onError: (e) => toast(e.message, 'error'),
  });
}

/** "Every segment", or the names of the segments a webhook is limited to. */
export function SegmentNames({ ids }: { ids: string[] | null }) {
  const segments = useAllSegments();
  if (ids === null) return <>Every segment</>;
  const names = new Map((segments.data ?? []).map((s) => [s.id, s.name]));
  return <>{ids.map((id) => names.get(id) ?? `Segment ${id.slice(-8)}`).join(', ')}</>;
}

export function WebhooksSettings() {
  const can = useCan();
  const client = useQueryClient();
  const webhooks = useWebhooks();
  const setActive = useSetActive();
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: (body: WebhookBody) => api<NewWebhook>('POST', '/v1/webhooks', body),
    onSuccess: (w) => { setAdding(false); setSecret(w.secret); return client.invalidateQueries({ queryKey: ['webhooks'] }); },
  });
  return (
    <section className="card" aria-labelledby="webhooks-title">
      <div className="card-header">
        <h2 id="webhooks-title">Webhooks</h2>
        {can.write && <button type="button" className="primary" onClick={() => { create.reset(); setAdding(true); }}>Add webhook</button>}
      </div>
      <p className="muted small">
        Audience POSTs each segment enter or exit to the URL, signed with the webhook's secret, and retries until it gets a 2xx.
        The receiver checks the <code>Audience-Webhook-Signature</code> header (docs/webhooks.md) and dedupes on the delivery id.
      </p>
      {!can.write && <p className="notice">Your role ({can.role}) can read the webhooks and their deliveries; an editor or admin changes them.</p>}
      {webhooks.isPending ? <Loading /> : webhooks.error ? <ErrorBox error={webhooks.error} retry={() => webhooks.refetch()} /> : webhooks.data.length === 0 ? (
        <Empty title="No webhooks yet.">{can.write && <p className="muted">Add one to have segment changes sent to your systems.</p>}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">Webhooks</caption>
            <thead><tr><th>URL</th><th>Events</th><th>Segments</th><th>Status</th><th>Created</th><th /></tr></thead>
            <tbody>
              {webhooks.data.map((w) => (
                <tr key={w.id}>
                  <td className="break">
                    <Link to={`/settings/webhooks/${w.id}`}>{w.url}</Link>
                    {w.description && <div className="muted small">{w.description}</div>}
                  </td>
                  <td>{w.events.map((e) => <div key={e}><code>{e}</code></div>)}</td>
                  <td><SegmentNames ids={w.segment_ids} /></td>
                  <td><ActiveBadge active={w.active} /></td>
                  <td>{fmtDateTime(w.created_at)}</td>
                  <td className="actions-cell">
                    {can.write && (
                      <button type="button" className="link" disabled={setActive.isPending} onClick={() => setActive.mutate(w)}
                        aria-label={`${w.active ? 'Pause' : 'Resume'} ${w.url}`}>{w.active ? 'Pause' : 'Resume'}</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Modal open={adding} onClose={() => setAdding(false)} title="Add a webhook"
        footer={<><button type="button" onClick={() => setAdding(false)}>Cancel</button>
          <button type="submit" form="add-webhook" className="primary" disabled={create.isPending}>Add webhook</button></>}>
        <WebhookForm id="add-webhook" error={create.error} onSubmit={(body) => create.mutate(body)} />
      </Modal>
      <SecretOnce title="The webhook's signing secret" secret={secret} onClose={() => setSecret(undefined)} />
    </section>
  );
}

export function ActiveBadge({ active }: { active: boolean }) {
  return <span className={`badge badge-${active ? 'active' : 'paused'}`}>{active ? 'active' : 'paused'}</span>;
}
