/**
 * A workspace's segments as the rule parser sees them: segment references are resolved by id within the
 * workspace, attribute types come from the attribute registry, and every error names its path under
 * `rule.` (the request field), e.g. `rule.all[2].op`. Segments are a small definition table, so the
 * catalog reads all of a workspace's segments at once and parses each stored rule at most once.
 */
import type { AttributeType } from '../attributes/types.ts';
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { parseRule, ruleDependencies, type RuleNode } from '../rules/index.ts';
import { AudienceError, Errors } from '../shared/errors.ts';

const Q = loadQueries('segments', ['list-segments']);

export interface Usage {
  kind: string;
  id: string;
  name: string;
  active: boolean;
}

export interface SegmentRow {
  id: string;
  name: string;
  description: string | null;
  rule: unknown;
  predefined: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  used_by: Usage[];
}

export class SegmentCatalog {
  private readonly byId: ReadonlyMap<string, SegmentRow>;
  private readonly nodes = new Map<string, RuleNode | AudienceError>();

  private constructor(
    readonly rows: readonly SegmentRow[],
    private readonly attributeType: (name: string) => AttributeType | undefined,
  ) {
    this.byId = new Map(rows.map((r) => [r.id, r]));
  }

  static async load(q: Queryable, args: { workspaceId: string; attributeTypes: ReadonlyMap<string, AttributeType> }): Promise<SegmentCatalog> {
    const rows = await q.query<SegmentRow>(Q['list-segments'], [args.workspaceId]);
    return new SegmentCatalog(rows, (name) => args.attributeTypes.get(name));
  }

  get(id: string): SegmentRow | undefined {
    return this.byId.get(id);
  }

  /**
   * Parses a rule sent in a request. `self` is the segment being edited, so that a reference back to it
   * (directly or through other segments) is reported as a cycle.
   */
  parse(raw: unknown, self?: string): RuleNode {
    try {
      return parseRule(raw, {
        attributeType: this.attributeType,
        segment: (ref) => this.byId.get(ref)?.rule,
        ...(self !== undefined ? { self } : {}),
      });
    } catch (err) {
      if (!(err instanceof AudienceError) || err.code !== Errors.ruleInvalid.code) throw err;
      const path = err.path ? `rule.${err.path}` : 'rule';
      throw Errors.ruleInvalid({ message: err.path ? `rule.${err.message}` : `rule: ${err.message}`, path });
    }
  }

  /** A stored segment's parsed rule, or the error when it no longer validates. */
  node(id: string): RuleNode | AudienceError {
    let n = this.nodes.get(id);
    if (!n) {
      const row = this.byId.get(id);
      if (!row) throw Errors.notFound({ resource: 'segment', id });
      try {
        n = this.parse(row.rule, id);
      } catch (err) {
        if (!(err instanceof AudienceError)) throw err;
        n = err;
      }
      this.nodes.set(id, n);
    }
    return n;
  }

  /** The segments whose rule reaches `id`, directly or through other segments. */
  dependents(id: string): SegmentRow[] {
    return this.rows.filter((r) => {
      if (r.id === id) return false;
      const n = this.node(r.id);
      return !(n instanceof AudienceError) && ruleDependencies(n).segments.includes(id);
    });
  }
}
