/**
 * The segments one profile is in. Built segments answer from the stored membership (segment_members,
 * with when the profile entered); a segment the worker has yet to build at its current version is
 * evaluated live for this one profile, with the loader and evaluator real-time membership uses, so the
 * answer is right before the worker catches up. Segments whose stored rule no longer validates are left out.
 */
import type { AttributeRegistry } from '../attributes/registry.ts';
import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { loadFacts, type Needs } from '../membership/facts.ts';
import { evaluate, ruleDependencies, type RuleNode } from '../rules/index.ts';
import type { Clock } from '../shared/clock.ts';
import { AudienceError, Errors } from '../shared/errors.ts';
import { SegmentCatalog, type SegmentRow } from './catalog.ts';
import { SegmentMembers, type Scope } from './members.ts';

const Q = loadQueries('profile-segments', ['profile-memberships']);

export interface ProfileSegment {
  id: string;
  name: string;
  predefined: boolean;
  /** ready: from the stored membership; building: evaluated now, for this profile only. */
  status: 'ready' | 'building';
  /** When the profile entered (stored membership); null when only the live evaluation knows. */
  entered_at: Date | null;
}

/** Only the profile row: enough to know that it exists (no segment needs evaluating). */
const NOTHING: Needs = { tags: false, lists: false, consent: false, dnc: false, events: new Map() };

export class ProfileSegments {
  private readonly members: SegmentMembers;

  constructor(private readonly deps: { db: Db; clock: Clock; attributes: AttributeRegistry }) {
    this.members = new SegmentMembers(deps);
  }

  /** The segments the profile is in, by name; a 404 when it is not a profile of the workspace. */
  async of(scope: Scope & { profileId: string }): Promise<ProfileSegment[]> {
    const { workspaceId, profileId } = scope;
    const attributes = await this.deps.attributes.list(workspaceId);
    const catalog = await SegmentCatalog.load(this.deps.db, { workspaceId, attributeTypes: new Map(attributes.map((a) => [a.name, a.type])) });
    const [built, stored] = await Promise.all([
      this.members.builtCounts(workspaceId, catalog.rows),
      this.deps.db.query<{ segment_id: string; entered_at: Date }>(Q['profile-memberships'], [workspaceId, profileId]),
    ]);
    const enteredAt = new Map(stored.map((r) => [r.segment_id, r.entered_at]));

    const building: { row: SegmentRow; node: RuleNode }[] = [];
    for (const row of catalog.rows) {
      if (built.has(row.id)) continue;
      const node = catalog.node(row.id);
      if (!(node instanceof AudienceError)) building.push({ row, node });
    }
    // One load of everything the building segments read; events of their names over the whole history, as explain does.
    const needs: Needs = building.length === 0 ? NOTHING : {
      tags: true, lists: true, consent: true, dnc: true,
      events: new Map(building.flatMap((b) => ruleDependencies(b.node).events).map((e) => [e, null])),
    };
    const facts = (await loadFacts(this.deps.db, { workspaceId, profileIds: [profileId], needs })).get(profileId);
    if (!facts) throw Errors.notFound({ resource: 'profile', id: profileId });

    const now = this.deps.clock.now();
    const out: ProfileSegment[] = [];
    for (const row of catalog.rows) {
      const at = enteredAt.get(row.id);
      if (built.has(row.id) && at) out.push(view(row, 'ready', at));
    }
    for (const { row, node } of building) {
      // A segment being rebuilt may still hold the profile's old row: its entry time stays meaningful while the profile is still in.
      if (evaluate(node, facts, { now, timezone: scope.timezone })) out.push(view(row, 'building', enteredAt.get(row.id) ?? null));
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }
}

const view = (row: SegmentRow, status: ProfileSegment['status'], entered_at: Date | null): ProfileSegment =>
  ({ id: row.id, name: row.name, predefined: row.predefined, status, entered_at });
