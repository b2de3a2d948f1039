/**
 * Normalised contact addresses, so one person is one contact however it was typed:
 * emails trimmed and lower-cased; phones in E.164 (`+44 1234 567890`, `0044-1234-567890` and
 * `441234567890` are all `+441234567890`). Returns undefined for something that is not one.
 */
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(raw: string): string | undefined {
  const e = raw.trim().toLowerCase();
  return e.length <= 254 && EMAIL_RE.test(e) ? e : undefined;
}

export function normalizePhone(raw: string): string | undefined {
  let s = raw.trim().replace(/[\s\-.()/]/g, '');
  if (s.startsWith('00')) s = '+' + s.slice(2);
  if (!s.startsWith('+')) s = '+' + s;
  return /^\+[1-9]\d{7,14}$/.test(s) ? s : undefined;
}

export type ContactKind = 'email' | 'phone';

/** An email or a phone, whichever it looks like. */
export function normalizeContact(raw: string): { kind: ContactKind; value: string } | undefined {
  if (raw.includes('@')) {
    const v = normalizeEmail(raw);
    return v ? { kind: 'email', value: v } : undefined;
  }
  const v = normalizePhone(raw);
  return v ? { kind: 'phone', value: v } : undefined;
}
