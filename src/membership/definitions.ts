/**
 * A workspace's segments as the membership worker uses them: parsed (referenced segments inlined),
 * hashed, and indexed by what they depend on, so a change record picks just the segments it can affect.
 * Parsed once per process and reused while the workspace's fingerprint (zone, segment versions and
 * rules, declared attributes) stays the same; the fingerprint is read in every locked transaction, so a
 * process never evaluates a rule older than the one another process built.
 */
import { createHash } from 'node:crypto';
import { STANDARD_BY_NAME } from '../attributes/standard.ts';
import type { AttributeType } from '../attributes/types.ts';
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { ruleDependencies, type RuleDependencies } from '../rules/dependencies.ts';
import { parseRule, type ParseContext } from '../rules/parse.ts';
import type { EventNode, RuleNode } from '../rules/types.ts';
import type { ChangeKind } from './changes.ts';

const Q = loadQueries('membership', ['definitions-fingerprint', 'definitions-fingerprints', 'workspace-segments', 'workspace-attribute-types']);

export interface SegmentDef {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly node: RuleNode;
  readonly deps: RuleDependencies;
  /** The event conditions reached (referenced segments included), for the facts loader's windows. */
  readonly events: readonly EventNode[];
  /** sha256 of the resolved rule and the zone: what the stored membership is built from. */
  readonly hash: string;
}

export interface Definitions {
  readonly workspaceId: string;
  readonly timezone: string;
  readonly segments: readonly SegmentDef[];
  readonly byId: ReadonlyMap<string, SegmentDef>;
  readonly timeDependent: readonly SegmentDef[];
  /** Segments whose saved rule does not parse (a reference to a deleted segment...): left as they are. */
  readonly invalid: readonly { id: string; name: string; error: string }[];
  /** The segments a change can affect. */
  affected(kind: string, names: readonly string[]): readonly SegmentDef[];
}

interface SegmentRow {
  id: string;
  name: string;
  rule: unknown;
  version: number;
}

/** Per-process cache of parsed definitions, keyed by workspace and checked against the fingerprint. */
export class DefinitionsCache {
  private readonly cache = new Map<string, { fingerprint: string; defs: Definitions }>();

  /** The workspace's current definitions (undefined when the workspace is gone). */
  async load(q: Queryable, workspaceId: string): Promise<Definitions | undefined> {
    const [fp] = await q.query<FingerprintRow>(Q['definitions-fingerprint'], [workspaceId]);
    if (!fp) return undefined;
    const fingerprint = fingerprintOf(fp);
    const hit = this.cache.get(workspaceId);
    if (hit && hit.fingerprint === fingerprint) return hit.defs;
    const rows = await q.query<SegmentRow>(Q['workspace-segments'], [workspaceId]);
    const attrs = await q.query<{ name: string; type: AttributeType }>(Q['workspace-attribute-types'], [workspaceId]);
    const defs = buildDefinitions({ workspaceId, timezone: fp.timezone, rows, attributeTypes: new Map(attrs.map((a) => [a.name, a.type])) });
    this.cache.set(workspaceId, { fingerprint, defs });
    return defs;
  }

  /**
   * Workspaces whose definitions changed since this process last parsed them (or that it has not seen):
   * a rule can change through what it reaches (a referenced segment, a declared attribute type, the zone)
   * with nothing queued for its own workspace.
   */
  async changed(q: Queryable): Promise<string[]> {
    const rows = await q.query<FingerprintRow & { workspace_id: string }>(Q['definitions-fingerprints']);
    return rows.filter((r) => this.cache.get(r.workspace_id)?.fingerprint !== fingerprintOf(r)).map((r) => r.workspace_id);
  }
}

interface FingerprintRow {
  timezone: string;
  segments: string;
  attributes: number;
}

const fingerprintOf = (r: FingerprintRow): string => `${r.timezone}|${r.segments}|${r.attributes}`;

/** The parse context of a workspace's saved rules: references are segment ids (as src/segments saves them). */
export function workspaceParseContext(args: { rows: readonly SegmentRow[]; attributeTypes: ReadonlyMap<string, AttributeType>; self?: string }): ParseContext {
  const byId = new Map(args.rows.map((r) => [r.id, r]));
  return {
    attributeType: (name) => STANDARD_BY_NAME.get(name)?.type ?? args.attributeTypes.get(name),
    segment: (ref) => byId.get(ref)?.rule,
    ...(args.self !== undefined ? { self: args.self } : {}),
  };
}

export function buildDefinitions(args: {
  workspaceId: string;
  timezone: string;
  rows: readonly SegmentRow[];
  attributeTypes: ReadonlyMap<string, AttributeType>;
}): Definitions {
  const segments: SegmentDef[] = [];
  const invalid: { id: string; name: string; error: string }[] = [];
  for (const row of args.rows) {
    try {
      const node = parseRule(row.rule, workspaceParseContext({ ...args, self: row.id }));
      const hash = createHash('sha256').update(JSON.stringify({ tz: args.timezone, node })).digest('hex');
      segments.push({ id: row.id, name: row.name, version: row.version, node, deps: ruleDependencies(node), events: eventNodes(node), hash });
    } catch (err) {
      invalid.push({ id: row.id, name: row.name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const index = new SegmentIndex(segments);
  return {
    workspaceId: args.workspaceId,
    timezone: args.timezone,
    segments,
    byId: new Map(segments.map((s) => [s.id, s])),
    timeDependent: segments.filter((s) => s.deps.timeDependent),
    invalid,
    affected: (kind, names) => index.affected(kind, names),
  };
}

/** The event conditions of a rule, through groups and referenced segments. */
function eventNodes(node: RuleNode, out: EventNode[] = []): EventNode[] {
  if (node.kind === 'event') out.push(node);
  else if (node.kind === 'all' || node.kind === 'any') for (const r of node.rules) eventNodes(r, out);
  else if (node.kind === 'not' || node.kind === 'segment') eventNodes(node.rule, out);
  return out;
}

type Keyed = 'attributes' | 'event' | 'tags' | 'lists' | 'consent';
const DEP_OF: Record<Keyed, keyof RuleDependencies> = {
  attributes: 'attributes', event: 'events', tags: 'tags', lists: 'lists', consent: 'consentChannels',
};

/**
 * Segments by what they read. Changes keyed by name (attributes, events, tags, lists, consent channels)
 * select by name; a DNC change selects every segment with a DNC condition (an entry without a channel
 * covers channels the change may not name); created, identity and erase, and any kind this code does
 * not know, select everything.
 */
class SegmentIndex {
  private readonly byKey = new Map<string, SegmentDef[]>();
  private readonly dnc: SegmentDef[];

  constructor(private readonly all: readonly SegmentDef[]) {
    for (const s of all) {
      for (const [kind, dep] of Object.entries(DEP_OF)) {
        for (const name of s.deps[dep] as readonly string[]) {
          const key = `${kind}\u0000${name}`;
          const list = this.byKey.get(key);
          if (list) list.push(s);
          else this.byKey.set(key, [s]);
        }
      }
    }
    this.dnc = all.filter((s) => s.deps.dncChannels.length > 0);
  }

  affected(kind: string, names: readonly string[]): readonly SegmentDef[] {
    if (kind === 'dnc') return this.dnc;
    if (!Object.hasOwn(DEP_OF, kind)) return this.all;
    if (names.length === 1) return this.byKey.get(`${kind}\u0000${names[0]}`) ?? [];
    const out = new Set<SegmentDef>();
    for (const n of names) for (const s of this.byKey.get(`${kind}\u0000${n}`) ?? []) out.add(s);
    return [...out];
  }
}

/**
 * What a transition says moved the profile: the kinds a change record may carry (recordChanges, 'erase'
 * among them), 'time' (a due instant), 'backfill' (a build) and 'deleted' (the segment was deleted).
 * docs/webhooks.md and the feed's OpenAPI description list them.
 */
export type Cause = ChangeKind | 'time' | 'backfill' | 'deleted';
