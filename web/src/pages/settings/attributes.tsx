import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { useAttributes } from '../../queries.ts';
import { useCan } from '../../session.tsx';
import type { Attribute, AttributeType } from '../../types.ts';
import { Modal } from '../../ui/modal.tsx';
import { Empty, ErrorBox, Loading } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';

const TYPES: { type: AttributeType; hint: string }[] = [
  { type: 'string', hint: 'text, or a list of texts' },
  { type: 'number', hint: '42, 9.99' },
  { type: 'boolean', hint: 'yes / no' },
  { type: 'date', hint: 'a calendar day' },
  { type: 'datetime', hint: 'an instant' },
];
const KIND_FILTERS = ['all', 'standard', 'derived', 'custom'] as const;
type KindFilter = (typeof KIND_FILTERS)[number];

const kindOf = (a: Attribute): Exclude<KindFilter, 'all'> => (a.derived ? 'derived' : a.standard ? 'standard' : 'custom');

/**
 * The attribute registry. The API declares custom attributes and, declaring one again with the same
 * type, changes its label; it has no delete and no type change (values already stored have that type).
 */
export function AttributesSettings() {
  const can = useCan();
  const attributes = useAttributes();
  const [filter, setFilter] = useState('');
  const [kind, setKind] = useState<KindFilter>('all');
  const [editing, setEditing] = useState<Attribute | null>(null);
  const q = filter.trim().toLowerCase();
  const shown = (attributes.data ?? []).filter((a) =>
    (kind === 'all' || kindOf(a) === kind) && (!q || a.name.toLowerCase().includes(q) || a.label.toLowerCase().includes(q)));
  return (
    <section className="card" aria-labelledby="attributes-title">
      <div className="card-header"><h2 id="attributes-title">Attributes</h2></div>
      <p className="muted small">
        What a profile can hold. Standard attributes exist in every workspace; derived ones (age) are computed; custom ones are
        declared here or created on first use with the type of their first value. Later values are converted to the type or refused.
      </p>
      {can.write ? <CreateAttribute known={attributes.data ?? []} /> : <p className="notice">Your role ({can.role}) can read the attributes; an editor or admin declares new ones.</p>}
      <div className="toolbar">
        <input type="search" className="grow" placeholder="Filter attributes…" aria-label="Filter attributes" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <select aria-label="Kind of attribute" value={kind} onChange={(e) => setKind(e.target.value as KindFilter)}>
          {KIND_FILTERS.map((k) => <option key={k} value={k}>{k === 'all' ? 'All kinds' : k}</option>)}
        </select>
      </div>
      {attributes.isPending ? <Loading /> : attributes.error ? <ErrorBox error={attributes.error} retry={() => attributes.refetch()} /> : shown.length === 0 ? (
        <Empty title={q || kind !== 'all' ? 'No attribute matches.' : 'No attributes yet.'} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">Attributes</caption>
            <thead><tr><th>Key</th><th>Label</th><th>Type</th><th>Kind</th><th /></tr></thead>
            <tbody>
              {shown.map((a) => (
                <tr key={a.name} data-attribute={a.name}>
                  <td><code>{a.name}</code></td>
                  <td>{a.label}</td>
                  <td>{a.type}</td>
                  <td><span className={`badge badge-${kindOf(a)}`}>{kindOf(a)}</span></td>
                  <td className="actions-cell">
                    {can.write && kindOf(a) === 'custom' && (
                      <button type="button" className="link" aria-label={`Edit label of ${a.name}`} onClick={() => setEditing(a)}>Edit label</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && <EditLabel attribute={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}

/** Declaring is POST /v1/attributes: a 201 for a new name, a 200 for one that exists with the same type. */
function useDeclare() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; type: AttributeType; label?: string }) => api<Attribute>('POST', '/v1/attributes', body),
    onSuccess: () => client.invalidateQueries({ queryKey: ['attributes'] }),
  });
}

function CreateAttribute({ known }: { known: Attribute[] }) {
  const toast = useToast();
  const declare = useDeclare();
  const empty = { name: '', type: 'string' as AttributeType, label: '' };
  const [form, setForm] = useState(empty);
  const submit = () => {
    const existed = known.some((a) => a.name === form.name);
    declare.mutate({ name: form.name.trim(), type: form.type, label: form.label.trim() || undefined }, {
      onSuccess: (a) => { setForm(empty); toast(existed ? `"${a.name}" already existed with that type` : `Created attribute "${a.name}"`); },
    });
  };
  return (
    <form className="row create-form" onSubmit={(e) => { e.preventDefault(); submit(); }} aria-label="New custom attribute">
      <label className="grow">Key
        <input required placeholder="e.g. plan_tier" aria-describedby="attribute-key-hint" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
      </label>
      <label>Type
        <select value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value as AttributeType })}>
          {TYPES.map((t) => <option key={t.type} value={t.type}>{t.type} ({t.hint})</option>)}
        </select>
      </label>
      <label className="grow">Label (optional)
        <input placeholder="e.g. Plan tier" value={form.label} onChange={(e) => setForm({ ...form, label: e.target.value })} />
      </label>
      <button type="submit" className="primary" disabled={declare.isPending}>Create attribute</button>
      <p id="attribute-key-hint" className="muted small full">Key: letters, digits and _, starting with a letter; at most 64 characters.</p>
      {declare.error && <ErrorBox error={declare.error} />}
    </form>
  );
}

function EditLabel({ attribute, onClose }: { attribute: Attribute; onClose: () => void }) {
  const toast = useToast();
  const declare = useDeclare();
  const [label, setLabel] = useState(attribute.label);
  const save = () => declare.mutate({ name: attribute.name, type: attribute.type, label: label.trim() }, {
    onSuccess: () => { toast(`Saved the label of "${attribute.name}"`); onClose(); },
  });
  return (
    <Modal open onClose={onClose} title={`Label of ${attribute.name}`}
      footer={<><button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="edit-label" className="primary" disabled={declare.isPending || !label.trim()}>Save</button></>}>
      <form id="edit-label" onSubmit={(e) => { e.preventDefault(); save(); }}>
        <label>Label<input required maxLength={200} value={label} onChange={(e) => setLabel(e.target.value)} autoFocus /></label>
        <p className="muted small">The key (<code>{attribute.name}</code>) and the type ({attribute.type}) can not change.</p>
        {declare.error && <ErrorBox error={declare.error} />}
      </form>
    </Modal>
  );
}
