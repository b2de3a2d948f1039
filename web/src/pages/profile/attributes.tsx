import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { fmtDate, fmtDateTime, fmtValue } from '../../format.ts';
import { useAttributes } from '../../queries.ts';
import { useCan } from '../../session.tsx';
import type { Attribute, ProfileDetail } from '../../types.ts';
import { ErrorBox } from '../../ui/states.tsx';
import { fromInputText, toInputText, TypedInput } from '../../ui/typed-input.tsx';

function show(a: Attribute | undefined, v: unknown): string {
  if (a?.type === 'date' && typeof v === 'string') return fmtDate(v);
  if (a?.type === 'datetime' && typeof v === 'string') return fmtDateTime(v);
  return fmtValue(v);
}

/** Attributes with inline editing: the input follows the attribute's type; the server coerces or refuses (422). */
export function AttributesCard({ profile }: { profile: ProfileDetail }) {
  const attributes = useAttributes();
  const can = useCan();
  const [adding, setAdding] = useState('');
  const byName = new Map((attributes.data ?? []).map((a) => [a.name, a]));
  const names = Object.keys(profile.attributes).sort((a, b) => (byName.get(a)?.label ?? a).localeCompare(byName.get(b)?.label ?? b));
  const missing = (attributes.data ?? []).filter((a) => !a.derived && !(a.name in profile.attributes));
  const shown = adding && !names.includes(adding) ? [...names, adding] : names;
  return (
    <section className="card" aria-labelledby="attrs-title">
      <h2 id="attrs-title">Attributes</h2>
      {attributes.error && <ErrorBox error={attributes.error} />}
      <table className="kv">
        <tbody>
          {shown.map((n) => (
            <AttributeRow key={n} profileId={profile.id} name={n} attribute={byName.get(n)} value={profile.attributes[n]}
              editable={can.write && !byName.get(n)?.derived} startEditing={n === adding} onDone={() => setAdding('')} />
          ))}
        </tbody>
      </table>
      {can.write && missing.length > 0 && (
        <label className="inline small">Set another attribute
          <select value="" onChange={(e) => setAdding(e.target.value)}>
            <option value="">Choose…</option>
            {missing.map((a) => <option key={a.name} value={a.name}>{a.label} ({a.type})</option>)}
          </select>
        </label>
      )}
    </section>
  );
}

function AttributeRow({ profileId, name, attribute, value, editable, startEditing, onDone }: {
  profileId: string; name: string; attribute?: Attribute; value: unknown; editable: boolean; startEditing: boolean; onDone: () => void;
}) {
  const type = attribute?.type ?? 'string';
  const [editing, setEditing] = useState(startEditing);
  const [text, setText] = useState(toInputText(type, value));
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (v: unknown) => api('PATCH', `/v1/profiles/${profileId}`, { attributes: { [name]: v } }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['profile', profileId] });
      setEditing(false);
      onDone();
    },
  });
  const label = attribute?.label ?? name;
  const cancel = () => { setEditing(false); setText(toInputText(type, value)); save.reset(); onDone(); };
  return (
    <tr data-attribute={name}>
      <th scope="row" title={`${name} (${type})`}>{label}</th>
      <td>
        {editing ? (
          <form className="inline" onSubmit={(e) => { e.preventDefault(); save.mutate(fromInputText(type, text)); }}
            onKeyDown={(e) => e.key === 'Escape' && cancel()}>
            <TypedInput type={type} value={text} onChange={setText} label={label} autoFocus />
            <button type="submit" className="primary" disabled={save.isPending}>Save</button>
            <button type="button" onClick={cancel}>Cancel</button>
            {save.error && <ErrorBox error={save.error} />}
          </form>
        ) : (
          <span className="value">
            {show(attribute, value)}
            {editable && <button type="button" className="link small" aria-label={`Edit ${label}`} onClick={() => setEditing(true)}>Edit</button>}
          </span>
        )}
      </td>
    </tr>
  );
}
