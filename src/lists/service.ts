import type { AttributeRegistry } from '../attributes/registry.ts';
import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { BatchHandler, JobService } from '../jobs/service.ts';
import { applyToProfiles, bulkChange, type BulkOp, type BulkResult, type ProfileSetKind, type Selection } from '../profile-sets/bulk.ts';
import { RuleProfiles } from '../profile-sets/rule.ts';
import type { Clock } from '../shared/clock.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { Errors } from '../shared/errors.ts';
import { isUuid, newId } from '../shared/ids.ts';

const Q = loadQueries('lists', [
  'insert-list', 'get-list', 'name-taken', 'list-lists', 'update-list', 'delete-list', 'count-members',
  'record-member-changes', 'delete-members', 'add-members', 'remove-members', 'page-members',
]);

const LISTS: ProfileSetKind = { changeKind: 'lists', addSql: Q['add-members'], removeSql: Q['remove-members'], jobs: { add: 'list.add', remove: 'list.remove' } };

export interface List {
  id: string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}
export interface ListWithCount extends List {
  member_count: number;
}
export interface Member {
  profile_id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  added_at: Date;
}

/** Static lists: hand-picked profiles. Membership changes are recorded for real-time segments. */
export class ListService {
  private readonly rules: RuleProfiles;

  constructor(private readonly deps: { db: Db; clock: Clock; jobs: JobService; syncLimit: number; attributes: AttributeRegistry }) {
    this.rules = new RuleProfiles(deps);
  }

  async create(workspaceId: string, input: { name: string; description?: string }): Promise<ListWithCount> {
    const [list] = await this.deps.db.query<List>(Q['insert-list'], [newId(), workspaceId, input.name, input.description ?? null, this.deps.clock.now()]);
    if (!list) throw Errors.nameTaken({ resource: 'list', name: input.name, path: 'name' });
    return { ...list, member_count: 0 };
  }

  list(workspaceId: string): Promise<ListWithCount[]> {
    return this.deps.db.query<ListWithCount>(Q['list-lists'], [workspaceId]);
  }

  async get(workspaceId: string, id: string): Promise<ListWithCount> {
    const list = await this.load(this.deps.db, workspaceId, id);
    const [c] = await this.deps.db.query<{ n: number }>(Q['count-members'], [workspaceId, id]);
    return { ...list, member_count: c!.n };
  }

  /** A rename changes what `{ "list": NAME }` rules see, so every member gets a change record. */
  async update(workspaceId: string, id: string, patch: { name?: string; description?: string | null }): Promise<ListWithCount> {
    const at = this.deps.clock.now();
    await this.deps.db.transaction(async (tx) => {
      const before = await this.load(tx, workspaceId, id);
      if (patch.name !== undefined && patch.name !== before.name) {
        if ((await tx.query(Q['name-taken'], [workspaceId, patch.name, id])).length > 0) throw Errors.nameTaken({ resource: 'list', name: patch.name, path: 'name' });
        await tx.query(Q['record-member-changes'], [workspaceId, id, [before.name, patch.name], at]);
      }
      await tx.query(Q['update-list'], [workspaceId, id, patch.name ?? null, patch.description ?? null, patch.description !== undefined, at]);
    });
    return this.get(workspaceId, id);
  }

  /** Deletes the list and its memberships; every member gets a change record. */
  async delete(workspaceId: string, id: string): Promise<{ members_removed: number }> {
    const at = this.deps.clock.now();
    return this.deps.db.transaction(async (tx) => {
      const list = await this.load(tx, workspaceId, id);
      const [c] = await tx.query<{ n: number }>(Q['count-members'], [workspaceId, id]);
      await tx.query(Q['record-member-changes'], [workspaceId, id, [list.name], at]);
      await tx.query(Q['delete-members'], [workspaceId, id]);
      await tx.query(Q['delete-list'], [workspaceId, id]);
      return { members_removed: c!.n };
    });
  }

  /** Adds or removes profiles given by id, or everyone a rule (raw JSON, validated here) matches now. */
  async changeMembers(args: { workspaceId: string; listId: string; op: BulkOp } & ({ profileIds: readonly string[] } | { rule: unknown; timezone: string })): Promise<BulkResult> {
    const at = this.deps.clock.now();
    const selection: Selection = 'rule' in args
      ? { rule: { node: await this.rules.parse(args.workspaceId, args.rule), now: at, timezone: args.timezone } }
      : { ids: args.profileIds };
    return bulkChange(this.deps, {
      kind: LISTS, op: args.op, workspaceId: args.workspaceId, selection, setId: args.listId, at,
      loadSet: (q) => this.load(q, args.workspaceId, args.listId),
    });
  }

  /** A page of members by profile id. */
  async members(args: { workspaceId: string; listId: string; cursor?: string; limit: number }): Promise<{ data: Member[]; next_cursor: string | null }> {
    await this.load(this.deps.db, args.workspaceId, args.listId);
    const after = args.cursor ? decodeCursor(args.cursor, ['id'], (c) => isUuid(c.id)).id : null;
    const rows = await this.deps.db.query<Member>(Q['page-members'], [args.workspaceId, args.listId, after, args.limit + 1]);
    const data = rows.slice(0, args.limit);
    return { data, next_cursor: rows.length > args.limit ? encodeCursor({ id: data.at(-1)!.profile_id }) : null };
  }

  /** Every member, a page at a time (CSV export): memory stays flat however long the list. */
  async *allMembers(workspaceId: string, listId: string): AsyncGenerator<Member> {
    let cursor: string | undefined;
    do {
      const page = await this.members({ workspaceId, listId, cursor, limit: 1000 });
      yield* page.data;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  /** Batch handlers of the background jobs (adds and removes over the request limit). */
  jobHandlers(): { 'list.add': BatchHandler; 'list.remove': BatchHandler } {
    const handler = (op: BulkOp): BatchHandler => async (tx, { workspaceId, targetId, items, at }) => {
      const list = await this.load(tx, workspaceId, targetId);
      return applyToProfiles(tx, { kind: LISTS, op, workspaceId, setId: targetId, setName: list.name, items, at });
    };
    return { 'list.add': handler('add'), 'list.remove': handler('remove') };
  }

  private async load(q: Queryable, workspaceId: string, id: string): Promise<List> {
    const [list] = await q.query<List>(Q['get-list'], [workspaceId, id]);
    if (!list) throw Errors.notFound({ resource: 'list', id });
    return list;
  }
}
