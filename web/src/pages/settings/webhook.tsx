import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, get } from '../../api.ts';
import { fmtDateTime } from '../../format.ts';
import { useCan } from '../../session.tsx';
import type { Webhook, WebhookDelivery } from '../../types.ts';
import { Modal } from '../../ui/modal.tsx';
import { ErrorBox, Loading } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';
import { DeliveryLog } from './webhook-deliveries.tsx';
import { WebhookForm, type WebhookBody } from './webhook-form.tsx';
import { ActiveBadge, SegmentNames, useSetActive } from './webhooks.tsx';

/** /settings/webhooks/:id — one webhook: its settings, pause / resume, a test ping, delete, and its delivery log. */
export function WebhookSettings() {
  const { id = '' } = useParams();
  const webhook = useQuery({ queryKey: ['webhooks', id], queryFn: ({ signal }) => get<Webhook>(`/v1/webhooks/${id}`, signal) });
  // While the webhook is being deleted the log stops polling: a poll answered after the delete would be a 404.
  const [removing, setRemoving] = useState(false);
  return (
    <>
      <p className="small"><Link to="/settings/webhooks">← All webhooks</Link></p>
      {webhook.isPending ? <Loading /> : webhook.error ? <ErrorBox error={webhook.error} retry={() => webhook.refetch()} /> : (
        <>
          <WebhookCard webhook={webhook.data} onRemoving={setRemoving} />
          <DeliveryLog webhookId={webhook.data.id} paused={removing} />
        </>
      )}
    </>
  );
}

function WebhookCard({ webhook: w, onRemoving }: { webhook: Webhook; onRemoving: (removing: boolean) => void }) {
  const can = useCan();
  const client = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const setActive = useSetActive();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const edit = useMutation({
    mutationFn: (body: WebhookBody) => api<Webhook>('PATCH', `/v1/webhooks/${w.id}`, body),
    onSuccess: () => { setEditing(false); toast('Webhook saved'); return client.invalidateQueries({ queryKey: ['webhooks'] }); },
  });
  const test = useMutation({
    mutationFn: () => api<WebhookDelivery>('POST', `/v1/webhooks/${w.id}/test`),
    onSuccess: (d) => {
      toast(d.status === 'succeeded' ? `Test ping delivered (HTTP ${d.last_status})` : `Test ping failed: ${d.last_error ?? `HTTP ${d.last_status}`}`, d.status === 'succeeded' ? 'ok' : 'error');
      return client.invalidateQueries({ queryKey: ['webhook-deliveries', w.id] });
    },
  });
  const remove = useMutation({
    mutationFn: () => api('DELETE', `/v1/webhooks/${w.id}`),
    onMutate: async () => {
      onRemoving(true);
      await client.cancelQueries({ queryKey: ['webhook-deliveries', w.id] });
    },
    onError: () => onRemoving(false),
    onSuccess: async () => {
      toast('Webhook deleted');
      // Leave first: a query still watched here would refetch the deleted webhook (a 404).
      await navigate('/settings/webhooks');
      client.removeQueries({ queryKey: ['webhooks', w.id] });
      client.removeQueries({ queryKey: ['webhook-deliveries', w.id] });
      return client.invalidateQueries({ queryKey: ['webhooks'], exact: true });
    },
  });
  return (
    <section className="card" aria-labelledby="webhook-title">
      <div className="card-header wrap">
        <h2 id="webhook-title" className="break">{w.url}</h2>
        {can.write && (
          <div className="actions">
            <button type="button" onClick={() => { edit.reset(); setEditing(true); }}>Edit</button>
            <button type="button" disabled={setActive.isPending} onClick={() => setActive.mutate(w)}>{w.active ? 'Pause' : 'Resume'}</button>
            <button type="button" disabled={test.isPending} onClick={() => test.mutate()}>{test.isPending ? 'Sending…' : 'Send test ping'}</button>
            <button type="button" className="danger" onClick={() => { remove.reset(); setDeleting(true); }}>Delete…</button>
          </div>
        )}
      </div>
      {test.error && <ErrorBox error={test.error} />}
      <table className="kv">
        <tbody>
          <tr><th>Description</th><td>{w.description ?? '—'}</td></tr>
          <tr><th>Events</th><td>{w.events.map((e) => <code key={e} className="tag-code">{e}</code>)}</td></tr>
          <tr><th>Segments</th><td><SegmentNames ids={w.segment_ids} /></td></tr>
          <tr><th>Status</th><td><ActiveBadge active={w.active} />{!w.active && <span className="muted small"> nothing is sent; resuming catches up from where it stopped</span>}</td></tr>
          <tr><th>Signing secret</th><td className="muted">shown once, when the webhook was created</td></tr>
          <tr><th>Created</th><td>{fmtDateTime(w.created_at)}</td></tr>
          <tr><th>Updated</th><td>{fmtDateTime(w.updated_at)}</td></tr>
        </tbody>
      </table>
      {!can.write && <p className="muted small">Your role ({can.role}) can read this webhook; an editor or admin changes it.</p>}
      <Modal open={editing} onClose={() => setEditing(false)} title="Edit the webhook"
        footer={<><button type="button" onClick={() => setEditing(false)}>Cancel</button>
          <button type="submit" form="edit-webhook" className="primary" disabled={edit.isPending}>Save</button></>}>
        <WebhookForm id="edit-webhook" initial={w} error={edit.error} onSubmit={(body) => edit.mutate(body)} />
      </Modal>
      <Modal open={deleting} onClose={() => setDeleting(false)} title="Delete the webhook"
        footer={<><button type="button" onClick={() => setDeleting(false)}>Cancel</button>
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>Delete webhook</button></>}>
        <p>Nothing more is sent to <code className="break">{w.url}</code>, and its delivery log is deleted with it.</p>
        {remove.error && <ErrorBox error={remove.error} />}
      </Modal>
    </section>
  );
}
