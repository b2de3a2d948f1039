/**
 * Segments and transitions by direct insert, standing in for the membership worker (the change feed and
 * webhook suites need a transition log, not the engine that writes it).
 */
import type { Db } from '../src/db/db.ts';
import { newId } from '../src/shared/ids.ts';

export async function insertSegment(db: Db, workspaceId: string, name: string): Promise<string> {
  const id = newId();
  await db.query(
    `INSERT INTO segments (id, workspace_id, name, rule, created_at, updated_at) VALUES ($1, $2, $3, '{"all":[]}', $4, $4)`,
    [id, workspaceId, name, new Date('2026-01-01T00:00:00Z')],
  );
  return id;
}

export interface TransitionSeed {
  profileId: string;
  segmentId: string;
  kind: 'enter' | 'exit';
  at: Date | string;
  cause?: string;
}

/** Inserts transitions in the order given (one transaction, so their ids grow in that order); returns their ids. */
export async function insertTransitions(db: Db, workspaceId: string, seeds: readonly TransitionSeed[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO segment_transitions (workspace_id, profile_id, segment_id, kind, at, cause)
     SELECT $1, p, s, k, a, c FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::text[]) WITH ORDINALITY AS t(p, s, k, a, c, n)
     ORDER BY n
     RETURNING id::text AS id`,
    [workspaceId, seeds.map((t) => t.profileId), seeds.map((t) => t.segmentId), seeds.map((t) => t.kind),
      seeds.map((t) => new Date(t.at)), seeds.map((t) => t.cause ?? 'event')],
  );
  return rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b));
}
