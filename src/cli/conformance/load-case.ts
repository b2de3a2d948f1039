/**
 * Stores a case in a fresh workspace: the workspace (with the case's zone), its custom attributes,
 * profiles (attributes coerced as the product stores them, external_id = the case's profile id), tags,
 * lists, consent, events and Do-Not-Contact entries. removeWorkspace deletes it all again.
 */
import type { Db, Queryable } from '../../db/db.ts';
import { newId } from '../../shared/ids.ts';
import { foldCase } from '../../rules/text.ts';
import { eventTs, storedAttributes, type RuleCase } from './case.ts';

export interface LoadedCase {
  readonly workspaceId: string;
  /** Case profile id → profile_id. */
  readonly profileIds: ReadonlyMap<string, string>;
}

export async function loadCase(db: Db, c: RuleCase): Promise<LoadedCase> {
  const ws = newId();
  const now = new Date(c.now);
  const profileIds = new Map(c.profiles.map((p) => [p.id, newId()]));
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO workspaces (id, name, timezone, created_at) VALUES ($1, $2, $3, $4)', [ws, c.name, c.timezone, now]);
    for (const [name, type] of Object.entries(c.schema)) {
      await tx.query('INSERT INTO attributes (workspace_id, name, type, created_at) VALUES ($1, $2, $3, $4)', [ws, name, type, now]);
    }
    const tagIds = await named(tx, 'tags', ws, now, c.profiles.flatMap((p) => p.tags));
    const listIds = await named(tx, 'lists', ws, now, c.profiles.flatMap((p) => p.lists));
    for (const p of c.profiles) {
      const id = profileIds.get(p.id)!;
      await tx.query(
        'INSERT INTO profiles (workspace_id, profile_id, external_id, attributes, created_at, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5, $5)',
        [ws, id, p.id, JSON.stringify(storedAttributes(c, p)), now],
      );
      for (const t of new Set(p.tags)) {
        await tx.query('INSERT INTO profile_tags (workspace_id, profile_id, tag_id, added_at) VALUES ($1, $2, $3, $4)', [ws, id, tagIds.get(t), now]);
      }
      for (const l of new Set(p.lists)) {
        await tx.query('INSERT INTO list_members (workspace_id, profile_id, list_id, added_at) VALUES ($1, $2, $3, $4)', [ws, id, listIds.get(l), now]);
      }
      for (const [channel, status] of Object.entries(p.consent)) {
        if (status !== 'subscribed' && status !== 'unsubscribed') continue; // 'none' is the absence of a row
        await tx.query(
          'INSERT INTO consents (workspace_id, profile_id, channel, status, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [ws, id, channel, status, 'conformance', now],
        );
      }
    }
    for (const e of c.events) {
      const id = profileIds.get(e.profile);
      if (!id) throw new Error(`event for unknown profile ${JSON.stringify(e.profile)}`);
      await tx.query(
        'INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, received_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)',
        [ws, id, newId(), e.name, new Date(eventTs(c, e)), JSON.stringify(e.properties), now],
      );
    }
    for (const d of c.dnc) {
      const [kind, contact] = d.email !== undefined ? ['email', foldCase(d.email)] : ['phone', d.phone];
      if (contact === undefined) throw new Error('a dnc entry needs email or phone');
      await tx.query(
        'INSERT INTO dnc_entries (id, workspace_id, contact, contact_kind, channel, source, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [newId(), ws, contact, kind, d.channel ?? null, 'conformance', now],
      );
    }
  });
  return { workspaceId: ws, profileIds };
}

/** Creates the named tags or lists and returns their ids by name. */
async function named(tx: Queryable, table: 'tags' | 'lists', ws: string, now: Date, names: string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const name of new Set(names)) {
    const id = newId();
    ids.set(name, id);
    if (table === 'tags') await tx.query('INSERT INTO tags (id, workspace_id, name, created_at) VALUES ($1, $2, $3, $4)', [id, ws, name, now]);
    else await tx.query('INSERT INTO lists (id, workspace_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)', [id, ws, name, now]);
  }
  return ids;
}

/** Deletes a case's workspace and every row under it (per-profile tables have no foreign key to cascade). */
export async function removeWorkspace(db: Db, workspaceId: string): Promise<void> {
  await db.transaction(async (tx) => {
    for (const table of ['events', 'profile_tags', 'list_members', 'consents', 'profiles', 'workspaces']) {
      await tx.query(`DELETE FROM ${table} WHERE ${table === 'workspaces' ? 'id' : 'workspace_id'} = $1`, [workspaceId]);
    }
  });
}
