import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import { EVENT_OF_KIND, transitionBody, type TransitionRow, type WebhookEvent } from './payload.ts';

const Q = loadQueries('webhooks', ['active-webhooks', 'workspace-head', 'lock-webhook', 'scan-transitions', 'deleted-segment-names', 'insert-deliveries', 'advance-cursor']);

interface Candidate {
  id: string;
  workspace_id: string;
  cursor: number;
}

interface Locked extends Candidate {
  events: WebhookEvent[];
  segment_ids: string[] | null;
}

/**
 * Turns new transitions into deliveries: for every active webhook behind its workspace's head, one
 * batch of transitions after its cursor. Resolves true when some webhook may have more right away.
 */
export async function fanOut(deps: { db: Db; clock: Clock }, batchSize: number): Promise<boolean> {
  const heads = new Map<string, number>();
  const head = async (workspaceId: string): Promise<number> => {
    let h = heads.get(workspaceId);
    if (h === undefined) {
      h = (await deps.db.query<{ head: number }>(Q['workspace-head'], [workspaceId]))[0]!.head;
      heads.set(workspaceId, h);
    }
    return h;
  };
  let more = false;
  for (const w of await deps.db.query<Candidate>(Q['active-webhooks'])) {
    if (w.cursor >= (await head(w.workspace_id))) continue;
    if ((await fanOutBatch(deps, { webhookId: w.id, batchSize })) === batchSize) more = true;
  }
  return more;
}

/**
 * One batch for one webhook, in one transaction: the deliveries and the cursor move together, so a
 * crash repeats nothing and skips nothing. The webhook row is locked with SKIP LOCKED, so two
 * processes never fan out the same webhook at once; the other simply moves on. Resolves how many
 * transitions were read (matching or not).
 */
function fanOutBatch(deps: { db: Db; clock: Clock }, args: { webhookId: string; batchSize: number }): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const [w] = await tx.query<Locked>(Q['lock-webhook'], [args.webhookId]);
    if (!w) return 0;
    const rows = await tx.query<TransitionRow>(Q['scan-transitions'], [w.workspace_id, w.cursor, args.batchSize]);
    if (rows.length === 0) return 0;
    const wanted = rows.filter((t) => w.events.includes(EVENT_OF_KIND[t.kind]) && (w.segment_ids === null || w.segment_ids.includes(t.segment_id)));
    if (wanted.length > 0) {
      await nameDeletedSegments(tx, wanted);
      const createdAt = deps.clock.now();
      const ids = wanted.map(() => newId());
      await tx.query(Q['insert-deliveries'], [
        w.workspace_id, w.id, ids, wanted.map((t) => t.id), wanted.map((t) => EVENT_OF_KIND[t.kind]), createdAt,
        wanted.map((t, i) => transitionBody({ deliveryId: ids[i]!, createdAt, transition: t })),
      ]);
    }
    await tx.query(Q['advance-cursor'], [w.id, rows.at(-1)!.id]);
    return rows.length;
  });
}

/**
 * A deleted segment's row is gone before its members' exits are fanned out: their payloads carry the
 * name it had, from the deletion's record, so receivers still know which audience they left.
 */
async function nameDeletedSegments(tx: Queryable, rows: TransitionRow[]): Promise<void> {
  const unnamed = [...new Set(rows.filter((t) => t.segment_name === null).map((t) => t.segment_id))];
  if (unnamed.length === 0) return;
  const names = new Map((await tx.query<{ segment_id: string; name: string }>(Q['deleted-segment-names'], [unnamed])).map((r) => [r.segment_id, r.name]));
  for (const t of rows) if (t.segment_name === null) t.segment_name = names.get(t.segment_id) ?? null;
}
