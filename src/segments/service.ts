/**
 * Segments as a resource: create, read, list, edit, delete, duplicate; preview a rule without saving;
 * members and their export; explain one profile's answer. Rules are validated by rules/ (parseRule);
 * membership is kept by the membership worker, which rebuilds a segment when its version moves on.
 */
import type { AttributeRegistry } from '../attributes/registry.ts';
import type { AttributeType } from '../attributes/types.ts';
import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { loadFacts } from '../membership/facts.ts';
import { explain, ruleDependencies, type RuleNode } from '../rules/index.ts';
import type { Clock } from '../shared/clock.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { AudienceError, Errors } from '../shared/errors.ts';
import { isUuid, newId } from '../shared/ids.ts';
import { SegmentCatalog, type SegmentRow, type Usage } from './catalog.ts';
import { annotate, type ExplainNode } from './explain-tree.ts';
import { matchesSearch, pageOf, type SegmentSort } from './list.ts';
import { SegmentMembers, type Member, type MemberSource, type Scope } from './members.ts';
import { createPredefinedSegments } from './predefined.ts';

const Q = loadQueries('segments', ['lock-workspace-segments', 'insert-segment', 'update-segment', 'rule-changed', 'bump-versions', 'delete-segment']);

export type SegmentStatus = 'ready' | 'building' | 'invalid';

export interface SegmentView extends SegmentRow {
  member_count: number;
  /** ready: stored membership is current; building: the worker has yet to build this version; invalid: the stored rule no longer validates. */
  status: SegmentStatus;
}

export interface SegmentInput {
  name: string;
  description?: string | null;
  rule: unknown;
}

export interface PreviewProfile {
  id: string;
  external_id: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
}

export interface SegmentExplanation {
  segment_id: string;
  profile_id: string;
  at: Date;
  result: boolean;
  explanation: ExplainNode;
}

const SAMPLE_SIZE = 20;
const EXPORT_PAGE = 1000;

const describeUsers = (users: readonly { kind: string; name: string }[]): string =>
  users.map((u) => `${u.kind} ${JSON.stringify(u.name)}`).join(', ');

export class SegmentService {
  private readonly members: SegmentMembers;
  /** Workspaces known to have their predefined segments (they are never deleted). */
  private readonly predefinedDone = new Set<string>();

  constructor(private readonly deps: { db: Db; clock: Clock; attributes: AttributeRegistry }) {
    this.members = new SegmentMembers(deps);
  }

  async list(scope: Scope & { q?: string; sort: SegmentSort; desc: boolean; cursor?: string; offset?: number; limit: number }): Promise<{ data: SegmentView[]; next_cursor: string | null; total: number }> {
    await this.ensurePredefined(scope.workspaceId);
    const catalog = await this.catalog(this.deps.db, scope.workspaceId);
    const rows = catalog.rows.filter((r) => matchesSearch(r.name, scope.q));
    if (scope.sort === 'member_count') {
      const views = await this.views(scope, catalog, rows);
      const counts = new Map(views.map((v) => [v.id, v.member_count]));
      return pageOf(views, { ...scope, count: (id) => counts.get(id)! });
    }
    const page = pageOf(rows, { ...scope, count: () => 0 });
    return { ...page, data: await this.views(scope, catalog, page.data) };
  }

  async get(scope: Scope, id: string): Promise<SegmentView> {
    const catalog = await this.catalog(this.deps.db, scope.workspaceId);
    const [view] = await this.views(scope, catalog, [found(catalog, id)]);
    return view!;
  }

  async create(scope: Scope, input: SegmentInput): Promise<SegmentView> {
    const id = newId();
    await this.change(scope.workspaceId, async (tx, catalog) => {
      catalog.parse(input.rule);
      await tx.query(Q['insert-segment'], [id, scope.workspaceId, input.name, input.description ?? null, JSON.stringify(input.rule), this.deps.clock.now()]);
    });
    return this.get(scope, id);
  }

  /** A copy under a new id (predefined ones too: that is how a predefined segment is changed). */
  async duplicate(scope: Scope, id: string, input: { name?: string }): Promise<SegmentView> {
    const catalog = await this.catalog(this.deps.db, scope.workspaceId);
    const source = found(catalog, id);
    return this.create(scope, { name: input.name ?? `Copy of ${source.name}`, description: source.description, rule: source.rule });
  }

  /**
   * Renames, re-describes or changes the rule. A rule change moves the version on (the worker
   * rebuilds), and so does every segment that references this one, since their members change too.
   * A rule change is refused while an active campaign or flow uses the segment.
   */
  async update(scope: Scope, id: string, patch: { name?: string; description?: string | null; rule?: unknown }): Promise<SegmentView> {
    await this.change(scope.workspaceId, async (tx, catalog) => {
      const row = writable(catalog, id);
      let ruleChanged = false;
      if (patch.rule !== undefined) {
        catalog.parse(patch.rule, id);
        const [c] = await tx.query<{ changed: boolean }>(Q['rule-changed'], [scope.workspaceId, id, JSON.stringify(patch.rule)]);
        ruleChanged = c!.changed;
        const active = row.used_by.filter((u) => u.active);
        if (ruleChanged && active.length > 0) throw inUse(row, active);
      }
      await tx.query(Q['update-segment'], [
        scope.workspaceId, id, patch.name ?? null, patch.description ?? null, patch.description !== undefined,
        patch.rule === undefined ? null : JSON.stringify(patch.rule), this.deps.clock.now(),
      ]);
      const dependents = ruleChanged ? catalog.dependents(id) : [];
      if (dependents.length > 0) await tx.query(Q['bump-versions'], [scope.workspaceId, dependents.map((d) => d.id)]);
    });
    return this.get(scope, id);
  }

  /**
   * Refused while an active campaign or flow uses it, or another segment's rule references it. The
   * members are not touched here (a segment can have millions): the deletion is recorded with it, and
   * the membership worker exits them in chunks, each with an exit transition of cause 'deleted'.
   */
  async delete(scope: Scope, id: string): Promise<void> {
    await this.change(scope.workspaceId, async (tx, catalog) => {
      const row = writable(catalog, id);
      const active = row.used_by.filter((u) => u.active);
      if (active.length > 0) throw inUse(row, active);
      const referencing = catalog.dependents(id);
      if (referencing.length > 0) throw inUse(row, referencing.map((s) => ({ kind: 'segment', id: s.id, name: s.name, active: true })));
      await tx.query(Q['delete-segment'], [scope.workspaceId, id, this.deps.clock.now()]);
    });
  }

  /** What the builder shows as the user types: how many match now, and the first profiles. Nothing is saved. */
  async preview(scope: Scope, rule: unknown): Promise<{ count: number; sample: PreviewProfile[] }> {
    const node = (await this.catalog(this.deps.db, scope.workspaceId)).parse(rule);
    const [count, cards] = await Promise.all([
      this.members.count(scope, node),
      this.members.matching({ ...scope, node, limit: SAMPLE_SIZE }),
    ]);
    const sample = cards.map((c) => ({ id: c.profile_id, external_id: c.external_id, email: c.email, first_name: c.first_name, last_name: c.last_name }));
    return { count, sample };
  }

  /** A page of members by profile id. */
  async memberPage(scope: Scope & { id: string; cursor?: string; limit: number }): Promise<{ data: Member[]; next_cursor: string | null }> {
    const source = await this.memberSource(scope, scope.id);
    const after = scope.cursor ? decodeCursor(scope.cursor, ['after'], (c) => isUuid(c.after)).after : undefined;
    const rows = await this.members.page({ ...scope, segmentId: scope.id, source, after, limit: scope.limit + 1 });
    const data = rows.slice(0, scope.limit);
    return { data, next_cursor: rows.length > scope.limit ? encodeCursor({ after: data.at(-1)!.profile_id }) : null };
  }

  /** Every member (CSV export), a page at a time from one source: memory stays flat however many. Throws before the first row. */
  async allMembers(scope: Scope, id: string): Promise<AsyncIterable<Member>> {
    const source = await this.memberSource(scope, id);
    const members = this.members;
    return (async function* () {
      let after: string | undefined;
      for (;;) {
        const page = await members.page({ ...scope, segmentId: id, source, after, limit: EXPORT_PAGE });
        yield* page;
        if (page.length < EXPORT_PAGE) return;
        after = page.at(-1)!.profile_id;
      }
    })();
  }

  /** Why a profile is (not) in a segment, now: the rule tree with each node's truth and what it saw. */
  async explain(scope: Scope & { id: string; profileId: string }): Promise<SegmentExplanation> {
    const catalog = await this.catalog(this.deps.db, scope.workspaceId);
    found(catalog, scope.id);
    const node = usable(catalog.node(scope.id));
    const now = this.deps.clock.now();
    // The membership worker's loader, so explain sees exactly what real-time evaluation sees; events of
    // the names the rule uses over the whole history (explain is one profile, on demand).
    const needs = { tags: true, lists: true, consent: true, dnc: true, events: new Map(ruleDependencies(node).events.map((e) => [e, null])) };
    const facts = (await loadFacts(this.deps.db, { workspaceId: scope.workspaceId, profileIds: [scope.profileId], needs })).get(scope.profileId);
    if (!facts) throw Errors.notFound({ resource: 'profile', id: scope.profileId });
    const tree = explain(node, facts, { now, timezone: scope.timezone });
    return { segment_id: scope.id, profile_id: scope.profileId, at: now, result: tree.result, explanation: annotate({ explanation: tree, node, catalog }) };
  }

  /** Creates the predefined segments of a workspace that predates them (once per process and workspace). */
  private async ensurePredefined(workspaceId: string): Promise<void> {
    if (this.predefinedDone.has(workspaceId)) return;
    await createPredefinedSegments(this.deps.db, { workspaceId, now: this.deps.clock.now() });
    this.predefinedDone.add(workspaceId);
  }

  private async catalog(q: Queryable, workspaceId: string): Promise<SegmentCatalog> {
    return SegmentCatalog.load(q, { workspaceId, attributeTypes: await this.attributeTypes(workspaceId) });
  }

  /**
   * Runs a definition change in a transaction holding the workspace's segment lock (see
   * lock-workspace-segments), with the catalog read inside it. Attribute types are read before: they
   * never change, and PGlite's one connection is the transaction's until it ends.
   */
  private async change(workspaceId: string, fn: (tx: Queryable, catalog: SegmentCatalog) => Promise<void>): Promise<void> {
    const attributeTypes = await this.attributeTypes(workspaceId);
    await this.deps.db.transaction(async (tx) => {
      await tx.query(Q['lock-workspace-segments'], [workspaceId]);
      await fn(tx, await SegmentCatalog.load(tx, { workspaceId, attributeTypes }));
    });
  }

  private async attributeTypes(workspaceId: string): Promise<Map<string, AttributeType>> {
    const attributes = await this.deps.attributes.list(workspaceId);
    return new Map(attributes.map((a) => [a.name, a.type]));
  }

  private async memberSource(scope: Scope, id: string): Promise<MemberSource> {
    const catalog = await this.catalog(this.deps.db, scope.workspaceId);
    const row = found(catalog, id);
    const built = await this.members.builtCounts(scope.workspaceId, [row]);
    const count = built.get(id);
    return count !== undefined ? { kind: 'stored', count } : { kind: 'bulk', node: usable(catalog.node(id)) };
  }

  /** Rows with their member count and status: stored when built at their version, else counted now. */
  private async views(scope: Scope, catalog: SegmentCatalog, rows: readonly SegmentRow[]): Promise<SegmentView[]> {
    const built = await this.members.builtCounts(scope.workspaceId, rows);
    return Promise.all(rows.map(async (row): Promise<SegmentView> => {
      const stored = built.get(row.id);
      if (stored !== undefined) return { ...row, member_count: stored, status: 'ready' };
      const node = catalog.node(row.id);
      if (node instanceof AudienceError) return { ...row, member_count: 0, status: 'invalid' };
      return { ...row, member_count: await this.members.count(scope, node), status: 'building' };
    }));
  }
}

function found(catalog: SegmentCatalog, id: string): SegmentRow {
  const row = catalog.get(id);
  if (!row) throw Errors.notFound({ resource: 'segment', id });
  return row;
}

/** A segment that may be edited or deleted: it exists and is not predefined. */
function writable(catalog: SegmentCatalog, id: string): SegmentRow {
  const row = found(catalog, id);
  if (row.predefined) throw Errors.segmentReadOnly({ name: row.name });
  return row;
}

const usable = (node: RuleNode | AudienceError): RuleNode => {
  if (node instanceof AudienceError) throw node;
  return node;
};

const inUse = (row: SegmentRow, users: readonly Usage[]): AudienceError =>
  Errors.segmentInUse({ name: row.name, users: describeUsers(users), details: { used_by: users } });
