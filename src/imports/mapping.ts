import { ATTRIBUTE_TYPES, type AttributeType } from '../attributes/types.ts';
import { assertNever } from '../shared/assert-never.ts';
import type { ColumnFacts } from './columns.ts';
import type { DateOrder } from './dates.ts';

/** The identifiers a column can hold; an email or phone column also sets the attribute of that name. */
export const IMPORT_IDENTIFIERS = ['email', 'phone', 'external_id'] as const;
export type ImportIdentifier = (typeof IMPORT_IDENTIFIERS)[number];

/**
 * What one column of the file becomes:
 * - identifier: finds (or creates) the profile; every identifier column takes part.
 * - attribute: a standard or custom attribute (a new custom one gets `type`, inferred unless given).
 * - tag: a yes in the cell (yes, true, 1, x) adds the tag `name` (default: the column's name); a no adds nothing.
 * - tags: the cell lists tag names (comma, semicolon or pipe between them), each added.
 * - consent: subscribed / unsubscribed on `channel` (only when mapped so: never suggested).
 * - skip: not read.
 */
export type Target =
  | { kind: 'identifier'; identifier: ImportIdentifier }
  | { kind: 'attribute'; name: string; type?: AttributeType; date_order?: DateOrder }
  | { kind: 'tag'; name?: string }
  | { kind: 'tags' }
  | { kind: 'consent'; channel: string }
  | { kind: 'skip' };

export type TargetKind = Target['kind'];

/**
 * The short form used by the CLI (`--map "Email=email,VIP=tag"`) and accepted by the API:
 * `email` | `phone` | `external_id` | `skip` | `tag` | `tag:NAME` | `tags` | `consent:CHANNEL` |
 * `ATTRIBUTE` | `ATTRIBUTE:TYPE` (TYPE one of string, number, boolean, date, datetime, or date:dmy / date:mdy).
 * Returns an error message for a form it does not know.
 */
export function parseTarget(text: string): Target | { error: string } {
  const t = text.trim();
  if (t === '' || t === 'skip') return { kind: 'skip' };
  if ((IMPORT_IDENTIFIERS as readonly string[]).includes(t)) return { kind: 'identifier', identifier: t as ImportIdentifier };
  if (t === 'tag') return { kind: 'tag' };
  if (t === 'tags') return { kind: 'tags' };
  const [head, ...rest] = t.split(':');
  const arg = rest.join(':').trim();
  if (head === 'tag') return arg ? { kind: 'tag', name: arg } : { error: 'tag:NAME needs a name' };
  if (head === 'consent') return arg ? { kind: 'consent', channel: arg } : { error: 'consent needs a channel: consent:email' };
  if (rest.length === 0) return { kind: 'attribute', name: t };
  const [type, order] = arg.split(':');
  if (!(ATTRIBUTE_TYPES as readonly string[]).includes(type!)) return { error: `unknown type ${JSON.stringify(type)} (use ${ATTRIBUTE_TYPES.join(', ')})` };
  if (order !== undefined && order !== 'dmy' && order !== 'mdy') return { error: `unknown date order ${JSON.stringify(order)} (use dmy or mdy)` };
  return { kind: 'attribute', name: head!, type: type as AttributeType, ...(order ? { date_order: order as DateOrder } : {}) };
}

/** `Email=email,City=city,VIP=tag` → { Email: 'email', ... }. A column name may contain '=' if quoted: "A=B"=skip. */
export function parseMapSpec(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of splitOutsideQuotes(spec, ',')) {
    if (part.trim() === '') continue;
    const [column, target] = splitOutsideQuotes(part, '=', 2);
    out[unquote(column!.trim())] = (target ?? '').trim();
  }
  return out;
}

/** How many of a column's non-empty values a target would reject, from the analysis' counts. */
export function failingValues(target: Target, facts: ColumnFacts, type?: AttributeType): number {
  const bad = (fits: number) => facts.non_empty - fits;
  switch (target.kind) {
    case 'identifier':
      return target.identifier === 'external_id' ? 0 : bad(facts.fits[target.identifier]);
    case 'attribute': {
      const t = type ?? target.type ?? facts.inferred_type;
      return t === 'string' ? 0 : bad(facts.fits[t]);
    }
    case 'tag':
      return bad(facts.fits.tag);
    case 'consent':
      return bad(facts.fits.consent);
    case 'tags':
    case 'skip':
      return 0;
    default:
      return assertNever(target);
  }
}

/** The short form of a target (what the CLI prints). */
export function targetText(t: Target): string {
  switch (t.kind) {
    case 'identifier':
      return t.identifier;
    case 'attribute':
      return t.type ? `${t.name}:${t.type}${t.date_order ? `:${t.date_order}` : ''}` : t.name;
    case 'tag':
      return t.name ? `tag:${t.name}` : 'tag';
    case 'tags':
      return 'tags';
    case 'consent':
      return `consent:${t.channel}`;
    case 'skip':
      return 'skip';
    default:
      return assertNever(t);
  }
}

function splitOutsideQuotes(s: string, sep: string, limit = Infinity): string[] {
  const out: string[] = [];
  let buf = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted && out.length < limit - 1) {
      out.push(buf);
      buf = '';
    } else {
      buf += ch;
    }
  }
  out.push(buf);
  return out;
}

const unquote = (s: string): string => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);
