import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AudienceError } from '../shared/errors.ts';
import { matchesSearch, pageOf, type Listable, type SegmentSort } from './list.ts';

const at = (s: string) => new Date(`2026-03-0${s}T00:00:00Z`);
const seg = (id: string, name: string, day: string, active = 0, inactive = 0): Listable => ({
  id, name, created_at: at(day), updated_at: at(day),
  used_by: [...Array(active).fill({ active: true }), ...Array(inactive).fill({ active: false })],
});
const ROWS = [seg('a', 'beta', '3'), seg('b', 'Alpha', '1', 0, 2), seg('c', 'gamma', '1', 1), seg('d', 'alpha', '2')];
const COUNTS: Record<string, number> = { a: 10, b: 5, c: 10, d: 0 };

/** Every page, following next_cursor, as ids. */
function walk(sort: SegmentSort, desc: boolean, limit: number): string[] {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = pageOf(ROWS, { sort, desc, cursor, limit, count: (id) => COUNTS[id]! });
    out.push(...page.data.map((r) => r.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

test('sorts by each column, ties broken by id, the same whatever the page size', () => {
  const cases: [SegmentSort, boolean, string[]][] = [
    ['name', false, ['b', 'd', 'a', 'c']], // case-insensitive: Alpha and alpha tie, then by id
    ['name', true, ['c', 'a', 'd', 'b']],
    ['created_at', false, ['b', 'c', 'd', 'a']],
    ['member_count', true, ['c', 'a', 'b', 'd']],
    ['used', true, ['c', 'b', 'd', 'a']], // active users first, then any users
  ];
  for (const [sort, desc, expected] of cases) {
    for (const limit of [1, 2, 3, 10]) assert.deepEqual(walk(sort, desc, limit), expected, `${sort} ${desc} limit ${limit}`);
  }
});

test('offset pages and totals; a cursor of another sort is refused', () => {
  const page = pageOf(ROWS, { sort: 'name', desc: false, offset: 1, limit: 2, count: () => 0 });
  assert.deepEqual(page.data.map((r) => r.id), ['d', 'a']);
  assert.equal(page.total, 4);
  const cursor = pageOf(ROWS, { sort: 'name', desc: false, limit: 1, count: () => 0 }).next_cursor!;
  assert.throws(() => pageOf(ROWS, { sort: 'created_at', desc: false, cursor, limit: 1, count: () => 0 }), AudienceError);
});

test('search matches part of the name in any case', () => {
  assert.equal(matchesSearch('Active Mobile Users', 'mobile'), true);
  assert.equal(matchesSearch('Active Mobile Users', ' MOBILE '), true);
  assert.equal(matchesSearch('Everyone', 'mobile'), false);
  assert.equal(matchesSearch('Everyone', undefined), true);
});
