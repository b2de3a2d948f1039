/**
 * What a column can become in the mapping step, and what the analysis says each choice would reject.
 * The counts mirror the server's `failingValues` (src/imports/mapping.ts): both read the analysis' per-kind
 * `fits`, so the warning shown here is the number the run will reject for that column.
 */
import type { Attribute, AttributeType, ImportColumn, ImportTarget } from '../../types.ts';

/** The choices of the mapping select, one per target kind (identifiers split out: they are the common ones). */
export const CHOICES = ['email', 'phone', 'external_id', 'attribute', 'tag', 'tags', 'consent', 'skip'] as const;
export type Choice = (typeof CHOICES)[number];

export const CHOICE_LABELS: Record<Choice, string> = {
  email: 'Email (identifier)',
  phone: 'Phone (identifier)',
  external_id: 'External ID (identifier)',
  attribute: 'Attribute',
  tag: 'Tag when yes',
  tags: 'Tag names',
  consent: 'Consent',
  skip: 'Skip',
};

export const TYPE_LABELS: Record<AttributeType, string> = { string: 'text', number: 'number', boolean: 'yes/no', date: 'date', datetime: 'date and time' };

export function choiceOf(t: ImportTarget): Choice {
  return t.kind === 'identifier' ? t.identifier : t.kind;
}

/** The target a new choice gives, keeping what still applies (an attribute name, a channel). */
export function targetFor(choice: Choice, column: ImportColumn, channels: readonly string[]): ImportTarget {
  const suggested = column.suggestion.target;
  switch (choice) {
    case 'email':
    case 'phone':
    case 'external_id':
      return { kind: 'identifier', identifier: choice };
    case 'attribute':
      return suggested.kind === 'attribute' ? suggested : { kind: 'attribute', name: attributeName(column.name, column.index) };
    case 'tag':
      return { kind: 'tag' };
    case 'tags':
      return { kind: 'tags' };
    case 'consent':
      return { kind: 'consent', channel: channels[0] ?? 'email' };
    case 'skip':
      return { kind: 'skip' };
  }
}

/** A column's name as a custom attribute name, as the server derives it: 'Loyalty points' → 'loyalty_points'. */
export function attributeName(column: string, index: number): string {
  let n = column.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (/^[0-9]/.test(n)) n = `c_${n}`;
  n = n.slice(0, 64).replace(/_+$/, '');
  return /^[a-z][a-z0-9_]*$/.test(n) ? n : `column_${index + 1}`;
}

/** The type an attribute target stores: the registry's for a known attribute, else the chosen or detected one. */
export function attributeType(t: Extract<ImportTarget, { kind: 'attribute' }>, column: ImportColumn, known: ReadonlyMap<string, Attribute>): AttributeType {
  return known.get(t.name)?.type ?? t.type ?? column.facts.inferred_type;
}

/** What the column's values look like: emails and phone numbers first (their type as attributes is text). */
export function looksLike(column: ImportColumn): string {
  const f = column.facts;
  // The share the server's suggestion uses to call a column one of emails or phones (src/imports/suggest.ts).
  if (f.fits.email >= f.non_empty * 0.8) return 'email addresses';
  if (f.phone_like >= f.non_empty * 0.8) return 'phone numbers';
  return TYPE_LABELS[f.inferred_type];
}

/** What the column's cells must be, in words (the type hint beside the choice). */
export function expects(t: ImportTarget, column: ImportColumn, known: ReadonlyMap<string, Attribute>): string | null {
  switch (t.kind) {
    case 'identifier': return t.identifier === 'external_id' ? 'any text' : t.identifier === 'email' ? 'email addresses' : 'phone numbers';
    case 'attribute': return TYPE_LABELS[attributeType(t, column, known)];
    case 'tag': return 'yes / no';
    case 'tags': return 'tag names, separated by , ; or |';
    case 'consent': return 'subscribed / unsubscribed';
    case 'skip': return null;
  }
}

/** How many of the column's non-empty values the target would reject. */
export function failing(t: ImportTarget, column: ImportColumn, known: ReadonlyMap<string, Attribute>): number {
  const { facts } = column;
  const bad = (fits: number) => facts.non_empty - fits;
  switch (t.kind) {
    case 'identifier': return t.identifier === 'external_id' ? 0 : bad(facts.fits[t.identifier]);
    case 'attribute': {
      const type = attributeType(t, column, known);
      return type === 'string' ? 0 : bad(facts.fits[type]);
    }
    case 'tag': return bad(facts.fits.tag);
    case 'consent': return bad(facts.fits.consent);
    case 'tags':
    case 'skip': return 0;
  }
}

/**
 * The mapping as the run takes it: every column named (a skipped one as skip), and an attribute that
 * exists sent without a type (the registry's type holds; sending another is refused).
 */
export function mappingToSend(mapping: Record<string, ImportTarget>, known: ReadonlyMap<string, Attribute>): Record<string, ImportTarget> {
  return Object.fromEntries(Object.entries(mapping).map(([column, t]) => {
    if (t.kind !== 'attribute' || !known.has(t.name)) return [column, t];
    const { type: _type, ...rest } = t;
    return [column, rest];
  }));
}

export const hasIdentifier = (mapping: Record<string, ImportTarget>) => Object.values(mapping).some((t) => t.kind === 'identifier');

/** How the analysis shows a delimiter. */
export function delimiterName(d: string | null): string {
  if (d === null) return '—';
  return ({ ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' } as Record<string, string>)[d] ?? JSON.stringify(d);
}
