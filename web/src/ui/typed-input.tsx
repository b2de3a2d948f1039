import type { AttributeType } from '../types.ts';

/** A local datetime-input value for an ISO instant, in the browser's zone. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The editor's text for a value of the type. */
export function toInputText(type: AttributeType, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (type === 'datetime' && typeof v === 'string') return toLocalInput(v);
  if (type === 'boolean') return v === true ? 'true' : v === false ? 'false' : '';
  return String(v);
}

/** The typed value for the editor's text; '' is "no value". */
export function fromInputText(type: AttributeType, s: string): unknown {
  if (s === '') return null;
  switch (type) {
    case 'number': return Number(s);
    case 'boolean': return s === 'true';
    case 'datetime': return new Date(s).toISOString();
    default: return s;
  }
}

/** An input that fits the attribute's type: number, yes/no, calendar day, date and time, or text. */
export function TypedInput({ type, value, onChange, label, autoFocus, id }: {
  type: AttributeType; value: string; onChange: (v: string) => void; label: string; autoFocus?: boolean; id?: string;
}) {
  if (type === 'boolean') {
    return (
      <select id={id} aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} autoFocus={autoFocus}>
        <option value="">—</option>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    );
  }
  const inputType = type === 'number' ? 'number' : type === 'date' ? 'date' : type === 'datetime' ? 'datetime-local' : 'text';
  return <input id={id} aria-label={label} type={inputType} step={type === 'number' ? 'any' : undefined} value={value}
    onChange={(e) => onChange(e.target.value)} autoFocus={autoFocus} />;
}
