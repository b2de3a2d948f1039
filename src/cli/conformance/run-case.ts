/**
 * Runs one case through the real engine, both ways: the bulk SQL over the store and the in-memory
 * evaluator over facts read back from the same rows. An expect_error case must be rejected by
 * parseRule with a message containing the expected text (case-insensitive).
 */
import type { Db } from '../../db/db.ts';
import { evaluate } from '../../rules/eval/evaluate.ts';
import { parseRule } from '../../rules/parse.ts';
import { membersQuery } from '../../rules/sql/members-query.ts';
import type { RuleNode } from '../../rules/types.ts';
import { AudienceError } from '../../shared/errors.ts';
import { caseParseContext, type RuleCase } from './case.ts';
import { loadCase, removeWorkspace, type LoadedCase } from './load-case.ts';
import { loadFacts } from './load-facts.ts';

export type CasePath = 'parse' | 'sql' | 'memory';
export interface CaseFailure {
  readonly path: CasePath;
  readonly expected: string;
  readonly got: string;
}

const list = (ids: Iterable<string>): string => `[${[...ids].sort().join(', ')}]`;

/** The parse outcome of a case: its tree, or the failure when the parse disagrees with the case. */
export function parseCase(c: RuleCase): { node?: RuleNode; failure?: CaseFailure } {
  let node: RuleNode;
  try {
    node = parseRule(c.rule, caseParseContext(c));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (c.expectError !== undefined && err instanceof AudienceError && message.toLowerCase().includes(c.expectError.toLowerCase())) return {};
    return { failure: { path: 'parse', expected: c.expectError !== undefined ? `error containing "${c.expectError}"` : list(c.expect ?? []), got: `error: ${message}` } };
  }
  if (c.expectError !== undefined) return { failure: { path: 'parse', expected: `error containing "${c.expectError}"`, got: 'the rule was accepted' } };
  return { node };
}

/** External ids of the members found by the bulk SQL. */
export async function sqlMembers(db: Db, c: RuleCase, loaded: LoadedCase, node: RuleNode): Promise<string[]> {
  const byId = new Map([...loaded.profileIds].map(([ext, id]) => [id, ext]));
  const q = membersQuery({ workspaceId: loaded.workspaceId, node, now: new Date(c.now), timezone: c.timezone, mode: 'ids' });
  const rows = await db.query<{ profile_id: string }>(q.sql, q.params);
  return rows.map((r) => byId.get(r.profile_id)!);
}

/** External ids of the members found by the in-memory evaluator, on facts read from the store. */
export async function memoryMembers(db: Db, c: RuleCase, loaded: LoadedCase, node: RuleNode): Promise<string[]> {
  const facts = await loadFacts(db, loaded.workspaceId);
  const ctx = { now: new Date(c.now), timezone: c.timezone };
  return [...loaded.profileIds].filter(([, id]) => evaluate(node, facts.get(id)!, ctx)).map(([ext]) => ext);
}

/** Runs a case both ways; an empty result means it passed. */
export async function runCase(db: Db, c: RuleCase): Promise<CaseFailure[]> {
  const { node, failure } = parseCase(c);
  if (failure) return [failure];
  if (!node) return [];
  const loaded = await loadCase(db, c);
  try {
    const expected = list(c.expect ?? []);
    const failures: CaseFailure[] = [];
    for (const [path, members] of [['sql', sqlMembers], ['memory', memoryMembers]] as const) {
      let got: string;
      try {
        got = list(await members(db, c, loaded, node));
      } catch (err) {
        got = `error: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (got !== expected) failures.push({ path, expected, got });
    }
    return failures;
  } finally {
    await removeWorkspace(db, loaded.workspaceId);
  }
}
