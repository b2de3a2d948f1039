/**
 * The hot columns (migration 014) must not change any answer: on both stores, profiles holding every
 * kind of city and birthdate value (lists, numbers, nulls, invalid days, datetimes with and without
 * offsets, written as stored, not coerced) get the same members from the bulk SQL, counted and listed,
 * as from the in-memory evaluator, in two zones (an offset moves a datetime's day there).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { insertProfiles } from '../../../test/profiles-fixture.ts';
import { forEachStore, freshDb } from '../../../test/stores.ts';
import { loadCase, type LoadedCase } from '../../cli/conformance/load-case.ts';
import { loadFacts } from '../../cli/conformance/load-facts.ts';
import type { Db } from '../../db/db.ts';
import { evaluate } from '../eval/evaluate.ts';
import { parseRule, type ParseContext } from '../parse.ts';
import { TEMPORAL_PATTERN } from '../time/temporal.ts';
import { membersQuery } from './members-query.ts';

const NOW = '2026-03-15T12:00:00Z';
const CITIES: unknown[] = [
  'London', 'LOndres', 'lo', '', 'Paris', 'İstanbul', 'lo%x', '[Lo', 'Don', ['Paris', 'london'], ['x', 42], [], 42, true, null,
  { c: 'Lo' }, undefined,
];
const BIRTHDATES: unknown[] = [
  '1990-05-01', '2001-03-15', '2001-03-16', '1990-02-29', '1992-02-29', '2000-05-01T10:00', '2001-03-15T23:30:00-05:00',
  '2001-03-16T00:30:00+14:00', '0000-01-01', 19900501, 'not a date', '', null, ['1990-05-01'], '1990-5-1', undefined,
];
const RULES: unknown[] = [
  { attribute: 'city', op: 'starts_with', value: 'Lo' },
  { attribute: 'city', op: 'starts_with', value: 'lo%' },
  { attribute: 'city', op: 'starts_with', value: 'i' },
  { attribute: 'city', op: 'contains', value: 'on' },
  { attribute: 'city', op: 'ends_with', value: 'DON' },
  { attribute: 'city', op: 'not_contains', value: 'on' },
  { not: { attribute: 'city', op: 'starts_with', value: 'Lo' } },
  { attribute: 'city', op: 'is', value: 'London' },
  { all: [{ attribute: 'age', op: 'gte', value: 25 }, { attribute: 'age', op: 'lte', value: 40 }] },
  { attribute: 'age', op: 'is', values: [25, 35] },
  { attribute: 'age', op: 'lt', value: 26 },
  { not: { attribute: 'age', op: 'gte', value: 25 } },
  { attribute: 'birthdate', op: 'was_more_than', amount: 300, unit: 'month' },
  { attribute: 'birthdate', op: 'was_within', amount: 2, unit: 'day' },
  { attribute: 'birthdate', op: 'before', value: '2001-03-16' },
  { attribute: 'birthdate', op: 'is_empty' },
  { all: [{ attribute: 'city', op: 'starts_with', value: 'Lo' }, { attribute: 'age', op: 'gte', value: 20 }, { not: { tag: 'vip' } }] },
  { any: [{ attribute: 'city', op: 'contains', value: 'is' }, { attribute: 'age', op: 'lte', value: 30 }] },
];

test('the migration reads dates with the grammar the compiler uses', () => {
  const migration = readFileSync(new URL('../../db/migrations/014_hot_attribute_columns.sql', import.meta.url), 'utf8');
  assert.ok(migration.includes(`~ '${TEMPORAL_PATTERN}'`), 'birth_day uses TEMPORAL_PATTERN (src/rules/time/temporal.ts)');
});

forEachStore('hot attribute columns', (kind) => {
  let db: Db;
  let drop: () => Promise<void>;
  let loaded: LoadedCase;
  const names = new Map<string, string>();
  before(async () => {
    ({ db, drop } = await freshDb(kind));
    loaded = await loadCase(db, { file: 'hot-columns.test.ts', name: 'hot', now: NOW, timezone: 'UTC', schema: {}, profiles: [], segments: {}, events: [], dnc: [], rule: null });
    // Every city with every birthdate, stored as written (the columns must cope with any jsonb).
    const seeds = CITIES.flatMap((city, i) => BIRTHDATES.map((birthdate, j) => ({ external_id: `c${i}-b${j}`, attributes: { city, birthdate } })));
    const ids = await insertProfiles(db, loaded.workspaceId, seeds);
    ids.forEach((id, k) => names.set(id, seeds[k]!.external_id));
  });
  after(() => drop());

  const ctx: ParseContext = { attributeType: () => undefined, segment: () => undefined };
  for (const timezone of ['UTC', 'Pacific/Kiritimati']) {
    test(`same members as the in-memory evaluator (${timezone})`, async () => {
      const facts = await loadFacts(db, loaded.workspaceId);
      const opts = { workspaceId: loaded.workspaceId, now: new Date(NOW), timezone };
      let hot = 0;
      for (const rule of RULES) {
        const node = parseRule(rule, ctx);
        const want = [...names].filter(([id]) => evaluate(node, facts.get(id)!, { now: opts.now, timezone })).map(([, n]) => n).sort();
        const count = membersQuery({ ...opts, node, mode: 'count' });
        if (count.sql.includes('hot_irregular')) hot++;
        assert.equal(Number((await db.query<{ count: number }>(count.sql, count.params))[0]!.count), want.length, JSON.stringify(rule));
        const ids = membersQuery({ ...opts, node, mode: 'ids' });
        const got = (await db.query<{ profile_id: string }>(ids.sql, ids.params)).map((r) => names.get(r.profile_id)!).sort();
        assert.deepEqual(got, want, JSON.stringify(rule));
      }
      assert.ok(hot >= 12, `${hot} rules read the hot columns`);
    });
  }

  test('the columns hold the regular readings, and mark the rows they cannot represent', async () => {
    const rows = await db.query<{ external_id: string; city_lower: string | null; birth_day: string | null; hot_irregular: boolean }>(
      'SELECT external_id, city_lower, birth_day, hot_irregular FROM profiles WHERE workspace_id = $1', [loaded.workspaceId]);
    const at = (i: number, j: number) => rows.find((r) => r.external_id === `c${i}-b${j}`)!;
    assert.deepEqual(at(0, 0), { external_id: 'c0-b0', city_lower: 'london', birth_day: '1990-05-01', hot_irregular: false });
    assert.deepEqual(at(9, 5), { external_id: 'c9-b5', city_lower: null, birth_day: '2000-05-01', hot_irregular: true }); // city list
    assert.deepEqual(at(12, 3), { external_id: 'c12-b3', city_lower: null, birth_day: null, hot_irregular: false }); // 42, Feb 29 1990
    assert.deepEqual(at(4, 6), { external_id: 'c4-b6', city_lower: 'paris', birth_day: null, hot_irregular: true }); // offset
    assert.deepEqual(at(16, 15), { external_id: 'c16-b15', city_lower: null, birth_day: null, hot_irregular: false }); // missing
  });
});
