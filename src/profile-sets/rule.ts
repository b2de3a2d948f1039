import type { AttributeRegistry } from '../attributes/registry.ts';
import type { Db } from '../db/db.ts';
import { membersQuery, type RuleNode } from '../rules/index.ts';
import { SegmentCatalog } from '../segments/catalog.ts';

/** Profiles chosen by a segment rule, evaluated at one instant in the workspace time zone. */
export interface RuleSelection {
  node: RuleNode;
  now: Date;
  timezone: string;
}

/**
 * Parses a rule sent with a bulk list or tag change, against the workspace's attributes and segments
 * (the segment catalog, so errors name their path under `rule.`), and builds the query of its matches.
 */
export class RuleProfiles {
  constructor(private readonly deps: { db: Db; attributes: AttributeRegistry }) {}

  async parse(workspaceId: string, raw: unknown): Promise<RuleNode> {
    const attributes = await this.deps.attributes.list(workspaceId);
    const catalog = await SegmentCatalog.load(this.deps.db, { workspaceId, attributeTypes: new Map(attributes.map((a) => [a.name, a.type])) });
    return catalog.parse(raw);
  }
}

/** The matching profile ids, ordered by id, at most `limit` of them (the bulk SQL of rules/). */
export function matchesQuery(workspaceId: string, sel: RuleSelection, limit?: number): { sql: string; params: unknown[] } {
  return membersQuery({ workspaceId, node: sel.node, now: sel.now, timezone: sel.timezone, mode: 'ids', ...(limit !== undefined ? { limit } : {}) });
}
