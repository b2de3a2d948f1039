import type { ReactNode } from 'react';
import type { AttributeType } from '../types.ts';
import { condKind, COUNT_OPS, DAY_UNITS, OP_LABEL, OPS_BY_TYPE, operandShape, PROPERTY_OPS, SPAN_UNITS, TIME_LABEL, TIME_OPS, withOp, type Cond, type CondKind } from './model.ts';
import { useEnv } from './rule-builder.tsx';

type Edit = { cond: Cond; onChange: (c: Cond) => void };

const EDITORS: Record<CondKind, (p: Edit) => ReactNode> = {
  attribute: (p) => <AttributeCond {...p} />,
  event: (p) => <EventCond {...p} />,
  tag: (p) => <NameCond {...p} field="tag" label="Has tag" options={useEnv().tags.map((t) => [t.name, t.name])} />,
  list: (p) => <NameCond {...p} field="list" label="Is in list" options={useEnv().lists.map((l) => [l.name, l.name])} />,
  segment: (p) => <SegmentCond {...p} />,
  consent: (p) => <ConsentCond {...p} />,
  dnc: (p) => <NameCond {...p} field="dnc" label="Is on Do-Not-Contact for" options={useEnv().channels.map((c) => [c.name, c.label ?? c.name])} />,
};

/** One condition's editor, chosen by its kind (a Record, so a new kind can not be forgotten). */
export function ConditionEditor(p: Edit) {
  const Editor = EDITORS[condKind(p.cond)];
  return <Editor {...p} />;
}

const num = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);

function Select({ value, options, onChange, label, className }: {
  value: string; options: (string | [string, string])[]; onChange: (v: string) => void; label: string; className?: string;
}) {
  const { readOnly } = useEnv();
  const opts = options.map((o) => (typeof o === 'string' ? [o, OP_LABEL[o] ?? o] : o));
  const known = opts.some(([v]) => v === value);
  return (
    <select aria-label={label} className={className} value={value} disabled={readOnly} onChange={(e) => onChange(e.target.value)}>
      {!known && <option value={value}>{value || '—'}</option>}
      {opts.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
    </select>
  );
}

function Input({ value, onChange, label, type = 'text', list, width }: {
  value: unknown; onChange: (v: string) => void; label: string; type?: string; list?: string; width?: number;
}) {
  const { readOnly } = useEnv();
  return <input aria-label={label} type={type} list={list} value={value === undefined || value === null ? '' : String(value)} readOnly={readOnly}
    style={width ? { width: `${width}ch` } : undefined} onChange={(e) => onChange(e.target.value)} />;
}

/** The operands of an attribute or property test: one value, several (OR), an amount and unit, or none. */
function Operands({ cond, onChange, type }: Edit & { type: AttributeType | 'property' }) {
  const op = String(cond.op ?? '');
  const shape = operandShape(op);
  const inputType = type === 'number' ? 'number' : type === 'date' || type === 'datetime' ? 'date' : 'text';
  const typed = (s: string): unknown => (type === 'number' ? (s === '' ? '' : Number(s)) : type === 'boolean' ? s === 'true' : type === 'property' && !['starts_with', 'ends_with', 'contains', 'not_contains'].includes(op) ? num(s) : s);
  const { readOnly } = useEnv();
  if (shape === 'none') return null;
  if (shape === 'amount' || shape === 'anniversary') {
    return (
      <>
        <Input label="Amount" type="number" width={6} value={cond.amount} onChange={(v) => onChange({ ...cond, amount: v === '' ? '' : Number(v) })} />
        {shape === 'amount' ? <Select label="Unit" value={String(cond.unit ?? 'day')} options={DAY_UNITS.map((u) => [u, `${u}s`])} onChange={(unit) => onChange({ ...cond, unit })} /> : <span>days</span>}
        {op.startsWith('was') && <span className="muted small">ago</span>}
      </>
    );
  }
  if (type === 'boolean') {
    return <Select label="Value" value={String(cond.value ?? '')} options={[['true', 'true'], ['false', 'false']]} onChange={(v) => onChange({ ...cond, value: v === 'true' })} />;
  }
  if (shape === 'values') {
    // `value`, or `values` when there are several (any of them).
    const values: unknown[] = Array.isArray(cond.values) ? cond.values : [cond.value ?? ''];
    const set = (vs: unknown[]) => {
      const { value: _v, values: _vs, ...rest } = cond;
      onChange(vs.length === 1 ? { ...rest, value: vs[0] } : { ...rest, values: vs });
    };
    return (
      <span className="values">
        {values.map((v, i) => (
          <span key={i} className="value-item">
            {i > 0 && <span className="muted small">or</span>}
            <Input label={`Value ${i + 1}`} type={inputType} value={v} onChange={(s) => set(values.map((x, j) => (j === i ? typed(s) : x)))} />
            {values.length > 1 && !readOnly && <button type="button" className="icon" aria-label={`Remove value ${i + 1}`} onClick={() => set(values.filter((_, j) => j !== i))}>×</button>}
          </span>
        ))}
        {!readOnly && <button type="button" className="link small" onClick={() => set([...values, ''])}>+ or</button>}
      </span>
    );
  }
  return <Input label="Value" type={inputType} value={cond.value} onChange={(s) => onChange({ ...cond, value: typed(s) })} />;
}

function AttributeCond({ cond, onChange }: Edit) {
  const env = useEnv();
  const name = String(cond.attribute ?? '');
  const attr = env.attributes.find((a) => a.name === name);
  const type: AttributeType = attr?.type ?? 'string';
  const ops = OPS_BY_TYPE[type];
  const setAttribute = (next: string) => {
    const t = env.attributes.find((a) => a.name === next)?.type ?? 'string';
    const op = OPS_BY_TYPE[t].includes(String(cond.op)) && t === type ? String(cond.op) : OPS_BY_TYPE[t][0]!;
    onChange(withOp({ attribute: next, op: '' }, op));
  };
  return (
    <span className="cond-fields">
      <Select label="Attribute" value={name} onChange={setAttribute}
        options={env.attributes.map((a) => [a.name, `${a.label}${a.standard ? '' : ' ·'} (${a.type})`])} />
      <Select label="Operator" value={String(cond.op ?? '')} options={ops} onChange={(op) => onChange(withOp(cond, op))} />
      <Operands cond={cond} onChange={onChange} type={type} />
    </span>
  );
}

function EventCond({ cond, onChange }: Edit) {
  const env = useEnv();
  const name = String(cond.event ?? '');
  const props = env.eventNames.find((e) => e.name === name)?.property_names ?? [];
  const listId = `props-${name}`;
  const measure = cond.sum ? 'sum' : 'count';
  const count = (cond.count ?? { op: 'gte', value: 1 }) as { op: string; value: unknown };
  const sum = (cond.sum ?? { property: props[0] ?? '', op: 'gte', value: 0 }) as { property: string; op: string; value: unknown };
  const time = (cond.time ?? { op: 'any_time' }) as Record<string, unknown>;
  const where = (Array.isArray(cond.where) ? cond.where : []) as Cond[];
  const set = (patch: Cond) => {
    const next = { ...cond, ...patch };
    for (const k of Object.keys(patch)) if (patch[k] === undefined) delete next[k];
    onChange(next);
  };
  const setTime = (op: string) => {
    const now = new Date().toISOString().slice(0, 10);
    const t: Record<string, unknown> = { op };
    if (op === 'within_last' || op === 'before_last') Object.assign(t, { amount: 30, unit: 'day' });
    if (op === 'between_last') Object.assign(t, { from: { amount: 7, unit: 'day' }, to: { amount: 30, unit: 'day' } });
    if (op === 'after' || op === 'before') t.value = `${now}T00:00:00Z`;
    if (op === 'between') Object.assign(t, { from: `${now}T00:00:00Z`, to: `${now}T23:59:59Z` });
    set({ time: t });
  };
  const span = (key: 'from' | 'to') => {
    const s = (time[key] ?? { amount: 1, unit: 'day' }) as { amount: unknown; unit: string };
    return (
      <>
        <Input label={`${key} amount`} type="number" width={6} value={s.amount} onChange={(v) => set({ time: { ...time, [key]: { ...s, amount: v === '' ? '' : Number(v) } } })} />
        <Select label={`${key} unit`} value={s.unit} options={SPAN_UNITS.map((u) => [u, `${u}s`])} onChange={(unit) => set({ time: { ...time, [key]: { ...s, unit } } })} />
      </>
    );
  };
  const instant = (key: 'value' | 'from' | 'to') => (
    <Input label={`Time ${key}`} type="datetime-local" value={typeof time[key] === 'string' ? String(time[key]).slice(0, 16) : ''}
      onChange={(v) => set({ time: { ...time, [key]: v ? `${v}:00` : '' } })} />
  );
  return (
    <span className="cond-fields event">
      <Input label="Event name" list="builder-event-names" value={name} onChange={(v) => set({ event: v })} />
      <datalist id="builder-event-names">{env.eventNames.map((e) => <option key={e.name} value={e.name} />)}</datalist>
      <datalist id={listId}>{props.map((p) => <option key={p} value={p} />)}</datalist>
      <Select label="Measure" value={measure} options={[['count', 'count'], ['sum', 'sum of']]}
        onChange={(m) => set(m === 'sum' ? { count: undefined, sum } : { sum: undefined, count })} />
      {measure === 'sum' && <Input label="Summed property" list={listId} value={sum.property} onChange={(v) => set({ sum: { ...sum, property: v } })} />}
      <Select label="Comparison" value={(measure === 'sum' ? sum : count).op} options={COUNT_OPS}
        onChange={(op) => set(measure === 'sum' ? { sum: { ...sum, op } } : { count: { ...count, op } })} />
      <Input label={measure === 'sum' ? 'Sum' : 'Count'} type="number" width={7} value={(measure === 'sum' ? sum : count).value}
        onChange={(v) => set(measure === 'sum' ? { sum: { ...sum, value: v === '' ? '' : Number(v) } } : { count: { ...count, value: v === '' ? '' : Number(v) } })} />
      <Select label="Time window" value={String(time.op)} options={TIME_OPS.map((t) => [t, TIME_LABEL[t]!])} onChange={setTime} />
      {(time.op === 'within_last' || time.op === 'before_last') && (
        <>
          <Input label="Window amount" type="number" width={6} value={time.amount} onChange={(v) => set({ time: { ...time, amount: v === '' ? '' : Number(v) } })} />
          <Select label="Window unit" value={String(time.unit)} options={SPAN_UNITS.map((u) => [u, `${u}s`])} onChange={(unit) => set({ time: { ...time, unit } })} />
        </>
      )}
      {time.op === 'between_last' && <>{span('from')}<span className="muted small">and</span>{span('to')}<span className="muted small">ago</span></>}
      {(time.op === 'after' || time.op === 'before') && instant('value')}
      {time.op === 'between' && <>{instant('from')}<span className="muted small">and</span>{instant('to')}</>}
      <span className="where">
        {where.map((w, i) => (
          <span key={i} className="where-item">
            <span className="muted small">{i === 0 ? 'where' : 'and'}</span>
            <Input label="Property" list={listId} value={w.property} onChange={(v) => set({ where: where.map((x, j) => (j === i ? { ...x, property: v } : x)) })} />
            <Select label="Property operator" value={String(w.op ?? 'is')} options={PROPERTY_OPS}
              onChange={(op) => set({ where: where.map((x, j) => (j === i ? withOp(x, op) : x)) })} />
            <Operands cond={w} type="property" onChange={(c) => set({ where: where.map((x, j) => (j === i ? c : x)) })} />
            {!env.readOnly && <button type="button" className="icon" aria-label="Remove property filter" onClick={() => set({ where: where.length > 1 ? where.filter((_, j) => j !== i) : undefined })}>×</button>}
          </span>
        ))}
        {!env.readOnly && <button type="button" className="link small" onClick={() => set({ where: [...where, { property: props[0] ?? '', op: 'is', value: '' }] })}>+ where</button>}
      </span>
    </span>
  );
}

function NameCond({ cond, onChange, field, label, options }: Edit & { field: string; label: string; options: [string, string][] }) {
  return (
    <span className="cond-fields">
      <span>{label}</span>
      <Select label={label} value={String(cond[field] ?? '')} options={options} onChange={(v) => onChange({ ...cond, [field]: v })} />
    </span>
  );
}

function SegmentCond({ cond, onChange }: Edit) {
  const env = useEnv();
  return (
    <NameCond cond={cond} onChange={onChange} field="segment" label="Is in segment"
      options={env.segments.filter((s) => s.id !== env.selfId).map((s) => [s.id, s.name])} />
  );
}

function ConsentCond({ cond, onChange }: Edit) {
  const env = useEnv();
  return (
    <span className="cond-fields">
      <span>Consent on</span>
      <Select label="Channel" value={String(cond.consent ?? '')} options={env.channels.map((c) => [c.name, c.label ?? c.name])} onChange={(v) => onChange({ ...cond, consent: v })} />
      <span>is</span>
      <Select label="Consent status" value={String(cond.status ?? 'subscribed')} options={[['subscribed', 'subscribed'], ['unsubscribed', 'unsubscribed'], ['none', 'never asked']]}
        onChange={(v) => onChange({ ...cond, status: v })} />
    </span>
  );
}
