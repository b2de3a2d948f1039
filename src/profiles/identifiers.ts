import { normalizeEmail, normalizePhone } from '../shared/contacts.ts';
import { Errors } from '../shared/errors.ts';

export const IDENTIFIER_KINDS = ['external_id', 'email', 'phone', 'anonymous_id'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** One normalised identifier and where it came from in the request (for error paths). */
export interface Identifier {
  kind: IdentifierKind;
  value: string;
  path: string;
}

const MAX_ID_LENGTH = 255;

/**
 * Validates and normalises one identifier (emails and phones as everywhere else, see shared/contacts.ts);
 * throws a 422 naming `path` when it is not valid.
 */
export function toIdentifier(kind: IdentifierKind, raw: string | number, path: string): Identifier {
  const text = String(raw);
  let value: string | undefined;
  switch (kind) {
    case 'email':
      value = normalizeEmail(text);
      break;
    case 'phone':
      value = normalizePhone(text);
      break;
    case 'external_id':
    case 'anonymous_id':
      value = text.trim() === '' || text.length > MAX_ID_LENGTH ? undefined : text;
      break;
  }
  if (value === undefined) throw Errors.invalidIdentifier({ kind, value: text, path });
  return { kind, value, path };
}

/** The identifier fields a request may carry, by the names developers use. */
export interface IdentifierFields {
  externalId?: string | number | null;
  email?: string | null;
  phone?: string | number | null;
  anonymousId?: string | number | null;
}

const FIELD_KIND: Record<keyof IdentifierFields, IdentifierKind> = {
  externalId: 'external_id',
  email: 'email',
  phone: 'phone',
  anonymousId: 'anonymous_id',
};

/** Identifiers from named fields; `paths` maps a field to its path in the request. */
export function identifiersFrom(fields: IdentifierFields, paths: Partial<Record<keyof IdentifierFields, string>>): Identifier[] {
  const out: Identifier[] = [];
  for (const field of Object.keys(FIELD_KIND) as (keyof IdentifierFields)[]) {
    const raw = fields[field];
    if (raw === undefined || raw === null) continue;
    out.push(toIdentifier(FIELD_KIND[field], raw, paths[field] ?? field));
  }
  return out;
}

/** Distinct identifiers (first occurrence wins, so its path is kept). */
export function distinctIdentifiers(ids: readonly Identifier[]): Identifier[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const k = identifierKey(id);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export const identifierKey = (id: { kind: string; value: string }): string => `${id.kind}\u0000${id.value}`;

/**
 * `email` and `phone` among attribute values are identifiers as well: they are validated and normalised
 * here (errors at `${path}.email`), and the values come back with their normal form. Channels read them
 * from the attributes.
 */
export function takeContacts(values: Record<string, unknown>, path: string): { identifiers: Identifier[]; values: Record<string, unknown> } {
  const identifiers: Identifier[] = [];
  const out = { ...values };
  for (const kind of ['email', 'phone'] as const) {
    const raw = values[kind];
    if (raw === undefined || raw === null) continue;
    const where = path ? `${path}.${kind}` : kind;
    if (typeof raw !== 'string' && typeof raw !== 'number') throw Errors.invalidIdentifier({ kind, value: JSON.stringify(raw), path: where });
    const id = toIdentifier(kind, raw, where);
    identifiers.push(id);
    out[kind] = id.value;
  }
  return { identifiers, values: out };
}

/** The email and phone attributes that identifiers imply (the last of each kind). */
export function contactAttributes(ids: readonly Identifier[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of ids) if (id.kind === 'email' || id.kind === 'phone') out[id.kind] = id.value;
  return out;
}
