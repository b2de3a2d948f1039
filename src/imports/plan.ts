import { checkAttributeNames } from '../attributes/patch.ts';
import { STANDARD_BY_NAME } from '../attributes/standard.ts';
import type { AttributeType } from '../attributes/types.ts';
import type { Actor } from '../consent/service.ts';
import type { ResolveMode } from '../profiles/resolve.ts';
import { assertNever } from '../shared/assert-never.ts';
import { AudienceError, Errors } from '../shared/errors.ts';
import type { Analysis } from './analyze.ts';
import type { DateOrder } from './dates.ts';
import { type ImportIdentifier, parseTarget, type Target, targetText } from './mapping.ts';
import type { TextEncoding } from './readers/encoding.ts';

export const IMPORT_MODES = ['upsert', 'create-only', 'update-only'] as const satisfies readonly ResolveMode[];
export type ImportMode = (typeof IMPORT_MODES)[number];
export const EMPTY_CELLS = ['leave', 'clear'] as const;

/** What a run is asked to do (POST /v1/imports/{id}/run, `audience import`). */
export interface RunRequest {
  /** Column name → target (or its short form, see parseTarget). Columns left out are skipped. Absent: the suggested mapping. */
  mapping?: Record<string, Target | string>;
  mode: ImportMode;
  /** An empty cell leaves the attribute as it is, or clears it. Identifiers, tags, lists and consent are never cleared. */
  empty_cells: (typeof EMPTY_CELLS)[number];
  /** Every imported profile joins this list: an existing one by id, or one by name (created when there is none). */
  list?: { id: string } | { name: string };
  /** More tags for every imported profile. */
  tags: string[];
  /** Every imported profile also gets a tag naming the import's date and time (default true). */
  default_tag: boolean;
}

type Named = { index: number; name: string };
export type PlanColumn = Named & (
  | { kind: 'identifier'; identifier: ImportIdentifier }
  | { kind: 'attribute'; attribute: string; type: AttributeType; date_order: DateOrder }
  | { kind: 'tag'; tag: { id: string; name: string } }
  | { kind: 'tags' }
  | { kind: 'consent'; channel: string }
);

/** A run as it is fixed when it starts (stored with the import, so a resumed run does exactly the same). */
export interface RunPlan {
  mode: ImportMode;
  empty_cells: RunRequest['empty_cells'];
  timezone: string;
  read: { delimiter?: string; encoding?: TextEncoding; sheet?: string };
  /** Rows numbered up to this one are not data. */
  data_after: number;
  /** The file's columns; a row with values past them is rejected. */
  width: number;
  columns: PlanColumn[];
  list: { id: string; name: string } | null;
  /** Tags every imported profile gets (the default tag first). */
  tags: { id: string; name: string }[];
  default_tag: string | null;
  /** Who started it: consent changes are logged as theirs. */
  actor: Actor;
}

/** A mapped column before its tag and attribute exist (service.ts creates them, then fills the ids in). */
export type MappedColumn = Named & (
  | { kind: 'identifier'; identifier: ImportIdentifier }
  | { kind: 'attribute'; attribute: string; type: AttributeType; date_order: DateOrder }
  | { kind: 'tag'; tag: string }
  | { kind: 'tags' }
  | { kind: 'consent'; channel: string }
);

/**
 * Checks a mapping against the analysed columns and gives each mapped column its final form: short forms
 * parsed, attribute names checked, `email` / `phone` / `external_id` attributes read as the identifiers
 * they are, a new custom attribute's type taken from the analysis unless given, date orders from the
 * analysis. Errors are 422s whose path is `mapping["Column"]`.
 */
export function mapColumns(args: { analysis: Analysis; mapping: Record<string, Target | string> | undefined; existing: ReadonlyMap<string, AttributeType> }): MappedColumn[] {
  const { analysis } = args;
  const byName = new Map(analysis.columns.map((c) => [c.name.toLowerCase(), c]));
  const entries: [string, Target | string][] = args.mapping
    ? Object.entries(args.mapping)
    : analysis.columns.map((c) => [c.name, c.suggestion.target]);
  const out: MappedColumn[] = [];
  const attributes = new Set<string>();
  for (const [column, raw] of entries) {
    const path = `mapping[${JSON.stringify(column)}]`;
    const fail = (message: string) => Errors.importMapping({ message: `${path}: ${message}`, path });
    const col = byName.get(column.trim().toLowerCase());
    if (!col) throw fail(`the file has no column ${JSON.stringify(column)} (columns: ${analysis.columns.map((c) => c.name).join(', ')})`);
    const parsed = typeof raw === 'string' ? parseTarget(raw) : raw;
    if ('error' in parsed) throw fail(parsed.error);
    const base = { index: col.index, name: col.name };
    const t = asIdentifier(parsed);
    switch (t.kind) {
      case 'skip':
        break;
      case 'identifier':
        out.push({ ...base, kind: 'identifier', identifier: t.identifier });
        break;
      case 'attribute': {
        try {
          checkAttributeNames([t.name], '');
        } catch (err) {
          throw err instanceof AudienceError ? fail(err.message) : err;
        }
        if (attributes.has(t.name)) throw fail(`another column is imported into ${t.name} already`);
        attributes.add(t.name);
        const known = STANDARD_BY_NAME.get(t.name)?.type ?? args.existing.get(t.name);
        if (known && t.type && t.type !== known) throw fail(`${t.name} is a ${known} attribute, not a ${t.type}`);
        out.push({ ...base, kind: 'attribute', attribute: t.name, type: known ?? t.type ?? col.facts.inferred_type, date_order: t.date_order ?? col.facts.date_order });
        break;
      }
      case 'tag': {
        const tag = (t.name ?? col.name).trim();
        if (tag === '' || tag.length > 200) throw fail('a tag name has 1 to 200 characters');
        out.push({ ...base, kind: 'tag', tag });
        break;
      }
      case 'tags':
        out.push({ ...base, kind: 'tags' });
        break;
      case 'consent':
        out.push({ ...base, kind: 'consent', channel: t.channel.trim() });
        break;
      default:
        assertNever(t);
    }
  }
  if (!out.some((c) => c.kind === 'identifier')) {
    throw Errors.importMapping({ message: 'mapping: map at least one column to an identifier: email, phone or external_id', path: 'mapping' });
  }
  return out;
}

/** The email, phone and external id attributes are the identifiers of those names. */
function asIdentifier(t: Target): Target {
  if (t.kind === 'attribute' && (t.name === 'email' || t.name === 'phone' || t.name === 'external_id')) return { kind: 'identifier', identifier: t.name };
  return t;
}

/** The name of an import's default tag: its date and time in the workspace's zone, e.g. "import 2026-03-15 12:00". */
export function defaultTagName(at: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `import ${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** A plan's mapping in the short form, column by column (what the API shows and the CLI prints). */
export function mappingText(columns: readonly PlanColumn[]): Record<string, string> {
  return Object.fromEntries(columns.map((c) => [c.name, targetText(targetOf(c))]));
}

function targetOf(c: PlanColumn): Target {
  switch (c.kind) {
    case 'identifier':
      return { kind: 'identifier', identifier: c.identifier };
    case 'attribute':
      return { kind: 'attribute', name: c.attribute, type: c.type, ...(c.type === 'date' || c.type === 'datetime' ? { date_order: c.date_order } : {}) };
    case 'tag':
      return { kind: 'tag', name: c.tag.name };
    case 'tags':
      return { kind: 'tags' };
    case 'consent':
      return { kind: 'consent', channel: c.channel };
    default:
      return assertNever(c);
  }
}
