/** Display helpers. Dates show in the browser's locale; the workspace time zone is named where it matters. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const number = new Intl.NumberFormat();

export const fmtNumber = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : number.format(n));

export function fmtDateTime(s: string | null | undefined): string {
  if (!s) return '—';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : dateTime.format(d);
}

export function fmtDate(s: string | null | undefined): string {
  if (!s) return '—';
  // A calendar day (YYYY-MM-DD) is shown as it is: no time zone shift.
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return dateOnly.format(new Date(`${s}T12:00:00`));
  return fmtDateTime(s);
}

export function fmtValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.map(fmtValue).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return number.format(v);
  return String(v);
}

export function personName(p: { first_name?: unknown; last_name?: unknown; email?: unknown; external_id?: unknown; phone?: unknown; id?: string; profile_id?: string }): string {
  const name = [p.first_name, p.last_name].filter((x) => typeof x === 'string' && x).join(' ');
  return name || (typeof p.email === 'string' && p.email) || (typeof p.phone === 'string' && p.phone) || (typeof p.external_id === 'string' && p.external_id) || `Profile ${(p.id ?? p.profile_id ?? '').slice(-8)}`;
}

/** Rows to a CSV download, in the browser (selected rows; the server exports whole lists and segments). */
export function downloadCsv(filename: string, columns: string[], rows: Record<string, unknown>[]): void {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    // Quote, and defuse cells a spreadsheet would run as a formula.
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const text = [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n');
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
