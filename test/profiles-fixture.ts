/**
 * Test profiles by direct insert, for the suites of lists, tags, consent and DNC (they need profiles,
 * not the profile API). Email and phone are stored normalised, as the profile service stores them.
 */
import type { Db } from '../src/db/db.ts';
import { normalizeEmail, normalizePhone } from '../src/shared/contacts.ts';
import { newId } from '../src/shared/ids.ts';

export interface ProfileSeed {
  email?: string;
  phone?: string;
  external_id?: string;
  attributes?: Record<string, unknown>;
}

export async function insertProfiles(db: Db, workspaceId: string, seeds: readonly ProfileSeed[], at = new Date('2026-03-15T12:00:00Z')): Promise<string[]> {
  const ids = seeds.map(() => newId());
  const attributes = seeds.map((s) => JSON.stringify({
    ...s.attributes,
    ...(s.email ? { email: normalizeEmail(s.email) } : {}),
    ...(s.phone ? { phone: normalizePhone(s.phone) } : {}),
  }));
  await db.query(
    `INSERT INTO profiles (workspace_id, profile_id, external_id, attributes, created_at, updated_at)
     SELECT $1, id, ext, attrs, $5, $5 FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS t(id, ext, attrs)`,
    [workspaceId, ids, seeds.map((s) => s.external_id ?? null), attributes, at],
  );
  return ids;
}

/** `n` bare profiles (bulk and job tests). */
export const insertManyProfiles = (db: Db, workspaceId: string, n: number): Promise<string[]> =>
  insertProfiles(db, workspaceId, Array.from({ length: n }, () => ({})));
