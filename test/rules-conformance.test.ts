/**
 * Every conformance case (shared and our own) through both evaluators: in memory on facts built from
 * the case, and on each store (PGlite, PostgreSQL) through the bulk SQL and through the in-memory
 * evaluator on facts read back from the stored rows.
 */
import { after, before } from 'node:test';
import { caseFacts } from '../src/cli/conformance/case-facts.ts';
import type { RuleCase } from '../src/cli/conformance/case.ts';
import { loadCase, removeWorkspace, type LoadedCase } from '../src/cli/conformance/load-case.ts';
import { memoryMembers, sqlMembers } from '../src/cli/conformance/run-case.ts';
import type { Db } from '../src/db/db.ts';
import { evaluate } from '../src/rules/eval/evaluate.ts';
import { runRuleCases } from './rule-case-suite.ts';
import { forEachStore, freshDb } from './stores.ts';

runRuleCases({
  name: 'rule cases: in memory, facts from the case',
  members: (c, node) => {
    const ctx = { now: new Date(c.now), timezone: c.timezone };
    return [...caseFacts(c)].filter(([, facts]) => evaluate(node, facts, ctx)).map(([id]) => id);
  },
});

forEachStore('rule cases', (kind) => {
  let db: Db;
  let drop: () => Promise<void>;
  before(async () => ({ db, drop } = await freshDb(kind)));
  after(() => drop());

  const stored = async <T>(c: RuleCase, run: (loaded: LoadedCase) => Promise<T>): Promise<T> => {
    const loaded = await loadCase(db, c);
    try {
      return await run(loaded);
    } finally {
      await removeWorkspace(db, loaded.workspaceId);
    }
  };
  runRuleCases({ name: 'bulk SQL', members: (c, node) => stored(c, (l) => sqlMembers(db, c, l, node)) });
  runRuleCases({ name: 'in memory, facts from the store', members: (c, node) => stored(c, (l) => memoryMembers(db, c, l, node)) });
});
