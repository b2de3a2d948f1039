/**
 * The one rule case suite, run against every evaluator (as Hono runs one router suite against each
 * router): `runRuleCases({ name, members })` declares a test per case file, from the shared cases
 * (shared/conformance/cases, the truth) and our own (test/conformance-cases).
 */
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { caseFiles, readCase, type RuleCase } from '../src/cli/conformance/case.ts';
import { parseCase } from '../src/cli/conformance/run-case.ts';
import type { RuleNode } from '../src/rules/types.ts';

export const SHARED_CASES = fileURLToPath(new URL('../../shared/conformance/cases', import.meta.url));
export const OWN_CASES = fileURLToPath(new URL('./conformance-cases', import.meta.url));

/** An evaluator under test: the ids of the case's profiles that match the parsed rule. */
export type MembersOf = (c: RuleCase, node: RuleNode) => Promise<readonly string[]> | readonly string[];

export function runRuleCases(opts: { name: string; members: MembersOf; dirs?: readonly string[] }): void {
  describe(opts.name, () => {
    for (const file of caseFiles(opts.dirs ?? [SHARED_CASES, OWN_CASES])) {
      const c = readCase(file);
      test(`${basename(file)}: ${c.name}`, async () => {
        const { node, failure } = parseCase(c);
        assert.equal(failure, undefined, failure && `expected ${failure.expected}, got ${failure.got}`);
        if (!node) return; // an expect_error case, rejected with the expected message
        assert.deepEqual([...(await opts.members(c, node))].sort(), [...(c.expect ?? [])].sort());
      });
    }
  });
}
