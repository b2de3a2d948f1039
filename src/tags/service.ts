import type { AttributeRegistry } from '../attributes/registry.ts';
import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { BatchHandler, JobService } from '../jobs/service.ts';
import { applyToProfiles, bulkChange, type BulkOp, type BulkResult, type ProfileSetKind, type Selection } from '../profile-sets/bulk.ts';
import { RuleProfiles } from '../profile-sets/rule.ts';
import type { Clock } from '../shared/clock.ts';
import { Errors } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';

const Q = loadQueries('tags', [
  'insert-tag', 'get-tag', 'list-tags', 'count-profiles', 'record-tag-changes', 'untag-all', 'delete-tag', 'tag-profiles', 'untag-profiles',
]);

const TAGS: ProfileSetKind = { changeKind: 'tags', addSql: Q['tag-profiles'], removeSql: Q['untag-profiles'], jobs: { add: 'tag.assign', remove: 'tag.remove' } };

export interface Tag {
  id: string;
  name: string;
  created_at: Date;
}
export interface TagWithCount extends Tag {
  profile_count: number;
}

/** Account-level labels, many per profile. Tag changes are recorded for real-time segments. */
export class TagService {
  private readonly rules: RuleProfiles;

  constructor(private readonly deps: { db: Db; clock: Clock; jobs: JobService; syncLimit: number; attributes: AttributeRegistry }) {
    this.rules = new RuleProfiles(deps);
  }

  async create(workspaceId: string, input: { name: string }): Promise<TagWithCount> {
    const [tag] = await this.deps.db.query<Tag>(Q['insert-tag'], [newId(), workspaceId, input.name, this.deps.clock.now()]);
    if (!tag) throw Errors.nameTaken({ resource: 'tag', name: input.name, path: 'name' });
    return { ...tag, profile_count: 0 };
  }

  list(workspaceId: string): Promise<TagWithCount[]> {
    return this.deps.db.query<TagWithCount>(Q['list-tags'], [workspaceId]);
  }

  async get(workspaceId: string, id: string): Promise<TagWithCount> {
    const tag = await this.load(this.deps.db, workspaceId, id);
    const [c] = await this.deps.db.query<{ n: number }>(Q['count-profiles'], [workspaceId, id]);
    return { ...tag, profile_count: c!.n };
  }

  /** Deletes the tag and removes it from every profile, each of which gets a change record. */
  async delete(workspaceId: string, id: string): Promise<{ profiles_untagged: number }> {
    const at = this.deps.clock.now();
    return this.deps.db.transaction(async (tx) => {
      const tag = await this.load(tx, workspaceId, id);
      const [c] = await tx.query<{ n: number }>(Q['count-profiles'], [workspaceId, id]);
      await tx.query(Q['record-tag-changes'], [workspaceId, id, [tag.name], at]);
      await tx.query(Q['untag-all'], [workspaceId, id]);
      await tx.query(Q['delete-tag'], [workspaceId, id]);
      return { profiles_untagged: c!.n };
    });
  }

  /** Adds or removes profiles given by id, or everyone a rule (raw JSON, validated here) matches now. */
  async changeProfiles(args: { workspaceId: string; tagId: string; op: BulkOp } & ({ profileIds: readonly string[] } | { rule: unknown; timezone: string })): Promise<BulkResult> {
    const at = this.deps.clock.now();
    const selection: Selection = 'rule' in args
      ? { rule: { node: await this.rules.parse(args.workspaceId, args.rule), now: at, timezone: args.timezone } }
      : { ids: args.profileIds };
    return bulkChange(this.deps, {
      kind: TAGS, op: args.op, workspaceId: args.workspaceId, selection, setId: args.tagId, at,
      loadSet: (q) => this.load(q, args.workspaceId, args.tagId),
    });
  }

  /** Batch handlers of the background jobs (assigns and removals over the request limit). */
  jobHandlers(): { 'tag.assign': BatchHandler; 'tag.remove': BatchHandler } {
    const handler = (op: BulkOp): BatchHandler => async (tx, { workspaceId, targetId, items, at }) => {
      const tag = await this.load(tx, workspaceId, targetId);
      return applyToProfiles(tx, { kind: TAGS, op, workspaceId, setId: targetId, setName: tag.name, items, at });
    };
    return { 'tag.assign': handler('add'), 'tag.remove': handler('remove') };
  }

  private async load(q: Queryable, workspaceId: string, id: string): Promise<Tag> {
    const [tag] = await q.query<Tag>(Q['get-tag'], [workspaceId, id]);
    if (!tag) throw Errors.notFound({ resource: 'tag', id });
    return tag;
  }
}
