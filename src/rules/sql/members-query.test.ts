import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRule, type ParseContext } from '../parse.ts';
import { compileWhere } from './compile-where.ts';
import { paramList } from './context.ts';
import { membersQuery } from './members-query.ts';

const WS = '00000000-0000-0000-0000-0000000000aa';
const NOW = new Date('2026-03-15T12:00:00Z');
const ctx: ParseContext = {
  attributeType: (name) => ({ signup: 'date', total: 'number' } as const)[name as 'signup'],
  segment: (ref) => (ref === 'londoners' ? { attribute: 'city', op: 'is', value: 'London' } : undefined),
};
const query = (rule: unknown, mode: 'count' | 'ids' = 'count', extra: { limit?: number; after?: string } = {}) =>
  membersQuery({ workspaceId: WS, node: parseRule(rule, ctx), now: NOW, timezone: 'Europe/Paris', mode, ...extra });

describe('membersQuery: pinned text and parameters', () => {
  test('tag and consent none, count', () => {
    const q = query({ all: [{ tag: 'vip' }, { consent: 'sms', status: 'none' }] });
    assert.equal(
      q.sql,
      'SELECT count(*) AS count FROM profiles p WHERE p.workspace_id = $1::uuid AND (' +
        'EXISTS (SELECT 1 FROM profile_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.workspace_id = p.workspace_id' +
        ' AND pt.profile_id = p.profile_id AND t.workspace_id = p.workspace_id AND t.name = $2::text)' +
        ' AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.workspace_id = p.workspace_id AND c.profile_id = p.profile_id AND c.channel = $3::text))',
    );
    assert.deepEqual(q.params, [WS, 'vip', 'sms']);
  });

  test('a number comparison under not, ids with keyset pagination', () => {
    const q = query({ not: { attribute: 'total', op: 'gte', value: 100 } }, 'ids', { limit: 500, after: '00000000-0000-0000-0000-000000000001' });
    assert.equal(
      q.sql,
      'SELECT p.profile_id FROM profiles p WHERE p.workspace_id = $1::uuid AND p.profile_id > $2::uuid AND NOT (COALESCE(' +
        "CASE WHEN jsonb_typeof((p.attributes -> $3::text)) = 'number' THEN ((p.attributes -> $3::text))::numeric >= $4::numeric ELSE false END" +
        ', false)) ORDER BY p.profile_id LIMIT $5::int',
    );
    assert.deepEqual(q.params, [WS, '00000000-0000-0000-0000-000000000001', 'total', 100, 500]);
  });

  test('an event count ≥ 1 in a window: a semi-join on profile_id, workspace and window bound as parameters', () => {
    const q = query({ event: 'purchase', count: { op: 'gte', value: 1 }, time: { op: 'within_last', amount: 7, unit: 'day' } });
    assert.equal(
      q.sql,
      'SELECT count(*) AS count FROM profiles p WHERE p.workspace_id = $1::uuid AND EXISTS (SELECT 1 FROM events e WHERE' +
        ' e.workspace_id = $1::uuid AND e.name = $2::text AND e.ts >= $3::timestamptz AND e.ts <= $4::timestamptz' +
        ' AND e.profile_id = p.profile_id)',
    );
    assert.deepEqual(q.params, [WS, 'purchase', '2026-03-08T12:00:00.000Z', '2026-03-15T12:00:00.000Z']);
  });

  test('an event count ≥ 3: one grouped scan of the window, joined on profile_id', () => {
    const q = query({ event: 'purchase', count: { op: 'gte', value: 3 }, time: { op: 'within_last', amount: 30, unit: 'day' } });
    assert.equal(
      q.sql,
      'SELECT count(*) AS count FROM profiles p WHERE p.workspace_id = $1::uuid AND EXISTS (SELECT 1 FROM (SELECT e.profile_id FROM events e' +
        ' WHERE e.workspace_id = $1::uuid AND e.name = $2::text AND e.ts >= $3::timestamptz AND e.ts <= $4::timestamptz' +
        ' GROUP BY e.profile_id HAVING count(*) >= $5::numeric) g WHERE g.profile_id = p.profile_id)',
    );
    assert.deepEqual(q.params, [WS, 'purchase', '2026-02-13T12:00:00.000Z', '2026-03-15T12:00:00.000Z', 3]);
  });

  test('a count that holds at zero (lt 3) is the anti-join of the groups that fail it', () => {
    const q = query({ event: 'purchase', count: { op: 'lt', value: 3 } });
    assert.equal(
      q.sql,
      'SELECT count(*) AS count FROM profiles p WHERE p.workspace_id = $1::uuid AND NOT EXISTS (SELECT 1 FROM (SELECT e.profile_id FROM events e' +
        ' WHERE e.workspace_id = $1::uuid AND e.name = $2::text AND e.ts <= $3::timestamptz' +
        ' GROUP BY e.profile_id HAVING NOT (count(*) < $4::numeric)) g WHERE g.profile_id = p.profile_id)',
    );
    assert.deepEqual(q.params, [WS, 'purchase', '2026-03-15T12:00:00.000Z', 3]);
  });

  test('starts_with is a LIKE on the lower-cased text with %, _ and \\ escaped; lists in their own branch', () => {
    const q = query({ attribute: 'nick', op: 'starts_with', value: 'Lo%_\\' });
    const s = '(p.attributes ->> $2::text)';
    assert.equal(
      q.sql,
      'SELECT count(*) AS count FROM profiles p WHERE p.workspace_id = $1::uuid AND (' +
        `(${s} IS NOT NULL AND lower(${s}) LIKE $3::text AND jsonb_typeof((p.attributes -> $2::text)) = 'string')` +
        ` OR (${s} IS NOT NULL AND lower(${s}) LIKE '[%' AND jsonb_typeof((p.attributes -> $2::text)) = 'array'` +
        ' AND EXISTS (SELECT 1 FROM jsonb_array_elements((p.attributes -> $2::text)) AS item(v) WHERE COALESCE(' +
        "CASE WHEN jsonb_typeof(item.v) = 'string' THEN lower((item.v #>> '{}')) LIKE $3::text ELSE false END, false))))",
    );
    assert.deepEqual(q.params, [WS, 'nick', 'lo\\%\\_\\\\%']);
  });

  test('a text test on city counts the regular rows on city_lower and the irregular ones on the jsonb', () => {
    const q = query({ not: { attribute: 'city', op: 'starts_with', value: 'Lo' } });
    const s = '(p.attributes ->> $3::text)';
    assert.equal(
      q.sql,
      'SELECT (SELECT count(*) AS count FROM profiles p WHERE p.workspace_id = $1::uuid AND NOT p.hot_irregular' +
        ' AND NOT (p.city_lower IS NOT NULL AND p.city_lower LIKE $2::text))' +
        ' + (SELECT count(*) AS count FROM profiles p WHERE p.workspace_id = $1::uuid AND p.hot_irregular AND NOT (' +
        `(${s} IS NOT NULL AND lower(${s}) LIKE $2::text AND jsonb_typeof((p.attributes -> $3::text)) = 'string')` +
        ` OR (${s} IS NOT NULL AND lower(${s}) LIKE '[%' AND jsonb_typeof((p.attributes -> $3::text)) = 'array'` +
        ' AND EXISTS (SELECT 1 FROM jsonb_array_elements((p.attributes -> $3::text)) AS item(v) WHERE COALESCE(' +
        "CASE WHEN jsonb_typeof(item.v) = 'string' THEN lower((item.v #>> '{}')) LIKE $2::text ELSE false END, false))))) AS count",
    );
    assert.deepEqual(q.params, [WS, 'lo%', 'city']);
    // ids: the same two parts as a UNION ALL, so each keeps its own plan (semi-joins stay joins).
    const ids = query({ attribute: 'city', op: 'contains', value: 'on' }, 'ids', { limit: 20 });
    assert.match(ids.sql, /^SELECT m\.profile_id FROM \(SELECT p\.profile_id FROM profiles p WHERE p\.workspace_id = \$1::uuid AND NOT p\.hot_irregular AND \(p\.city_lower IS NOT NULL AND strpos\(p\.city_lower, \$2::text\) > 0\) UNION ALL SELECT p\.profile_id FROM profiles p WHERE p\.workspace_id = \$1::uuid AND p\.hot_irregular AND /);
    assert.match(ids.sql, / ORDER BY m\.profile_id LIMIT \$4::int$/);
  });

  test('city under another type, and equality on city, stay on the jsonb', () => {
    const asNumber: ParseContext = { ...ctx, attributeType: (name) => (name === 'city' ? 'number' : undefined) };
    const node = parseRule({ attribute: 'city', op: 'gt', value: 3 }, asNumber);
    assert.ok(!membersQuery({ workspaceId: WS, node, now: NOW, timezone: 'UTC', mode: 'count' }).sql.includes('hot_irregular'));
    assert.ok(!query({ attribute: 'city', op: 'is', value: 'London' }).sql.includes('hot_irregular'));
  });

  test('a referenced segment is inlined; an OR LIST binds one jsonb per value', () => {
    const q = query({ any: [{ segment: 'londoners' }, { list: 'newsletter' }] });
    const item = (v: string) => `COALESCE(${v} IN ($3::jsonb), false)`;
    assert.equal(
      q.sql,
      'SELECT count(*) AS count FROM profiles p WHERE p.workspace_id = $1::uuid AND (' +
        "(CASE WHEN jsonb_typeof((p.attributes -> $2::text)) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements((p.attributes -> $2::text)) AS item(v) WHERE " +
        item('item.v') + ') ELSE ' + item('(p.attributes -> $2::text)') + ' END)' +
        ' OR EXISTS (SELECT 1 FROM list_members lm JOIN lists l ON l.id = lm.list_id WHERE lm.workspace_id = p.workspace_id' +
        ' AND lm.profile_id = p.profile_id AND l.workspace_id = p.workspace_id AND l.name = $4::text))',
    );
    assert.deepEqual(q.params, [WS, 'city', '"London"', 'newsletter']);
  });

  test('relative dates bind the day boundaries computed in JS (Paris today is 2026-03-15), led by a sargable text range', () => {
    const q = query({ attribute: 'signup', op: 'was_within', amount: 1, unit: 'month' });
    // The text range widened by two days each side (offsets), then the exact range.
    assert.deepEqual(q.params, [WS, 'signup', '2026-02-13', '2026-03-18', '2026-02-15', '2026-03-15', 'Europe/Paris']);
    const s = '\\(p\\.attributes ->> \\$2::text\\)';
    assert.match(q.sql, new RegExp(`^SELECT count\\(\\*\\) AS count FROM profiles p WHERE p\\.workspace_id = \\$1::uuid AND \\(${s} IS NOT NULL` +
      ` AND ${s} COLLATE "C" >= \\$3::text AND ${s} COLLATE "C" < \\$4::text AND CASE WHEN ${s} COLLATE "C" ~ `));
    assert.match(q.sql, / THEN \(p\.attributes ->> \$2::text\) COLLATE "C" >= \$5::text AND \(p\.attributes ->> \$2::text\) COLLATE "C" <= \$6::text AND /);
    assert.ok(!q.sql.includes('SELECT', 10), 'no subquery: the filter stays cheap per row');
  });

  test('age 25–40 is a range of birth days computed in JS (Paris today is 2026-03-15), on birth_day for regular rows', () => {
    const q = query({ all: [{ attribute: 'age', op: 'gte', value: 25 }, { attribute: 'age', op: 'lte', value: 40 }] });
    // Both comparisons become one range: exact on the stored day; on the jsonb widened for the index, then exact.
    assert.deepEqual(q.params, [WS, '1985-03-16', '2001-03-15', '1985-03-14', '2001-03-18', 'Europe/Paris']);
    const b = "\\(p\\.attributes ->> 'birthdate'\\)";
    assert.match(q.sql, new RegExp('^SELECT \\(SELECT count\\(\\*\\) AS count FROM profiles p WHERE p\\.workspace_id = \\$1::uuid AND NOT p\\.hot_irregular' +
      ' AND \\(\\(p\\.birth_day IS NOT NULL AND p\\.birth_day >= \\$2::text AND p\\.birth_day <= \\$3::text\\)\\)\\)' +
      ' \\+ \\(SELECT count\\(\\*\\) AS count FROM profiles p WHERE p\\.workspace_id = \\$1::uuid AND p\\.hot_irregular AND \\(\\(' +
      `${b} IS NOT NULL AND ${b} COLLATE "C" >= \\$4::text AND ${b} COLLATE "C" < \\$5::text AND CASE WHEN ${b} COLLATE "C" ~ `));
  });

  test('a relative date on birthdate reads birth_day; several age ranges stay exact per range', () => {
    const q = query({ attribute: 'birthdate', op: 'was_within', amount: 1, unit: 'month' });
    assert.match(q.sql, /NOT p\.hot_irregular AND \(p\.birth_day IS NOT NULL AND p\.birth_day >= \$2::text AND p\.birth_day <= \$3::text\)\)/);
    assert.deepEqual(q.params.slice(0, 3), [WS, '2026-02-15', '2026-03-15']);
    const any = query({ attribute: 'age', op: 'is', values: [25, 40] });
    assert.match(any.sql, /NOT p\.hot_irregular AND \(p\.birth_day IS NOT NULL AND p\.birth_day >= \$2::text AND p\.birth_day <= \$3::text AND \(\(p\.birth_day >= \$4::text AND p\.birth_day <= \$3::text\) OR \(p\.birth_day >= \$2::text AND p\.birth_day <= \$5::text\)\)\)\)/);
    assert.deepEqual(any.params.slice(0, 5), [WS, '1985-03-16', '2001-03-15', '2000-03-16', '1986-03-15']);
  });

  test('a window no event can fall in compiles to a constant', () => {
    const rule = { event: 'e', count: { op: 'eq', value: 0 }, time: { op: 'between', from: '2026-03-10T00:00:00Z', to: '2026-03-01T00:00:00Z' } };
    assert.equal(query(rule).sql, 'SELECT count(*) AS count FROM profiles p WHERE p.workspace_id = $1::uuid AND TRUE');
  });
});

describe('compileWhere: user text never becomes SQL text', () => {
  const evil = `x'); DROP TABLE profiles; -- %_\\`;
  const rules = [
    { attribute: evil, op: 'is', values: [evil, `${evil}2`] },
    { attribute: 'city', op: 'contains', value: evil },
    { attribute: 'city', op: 'starts_with', value: evil },
    { attribute: 'city', op: 'ends_with', value: evil },
    { tag: evil },
    { list: evil },
    { consent: evil, status: 'subscribed' },
    { dnc: evil },
    { event: evil, where: [{ property: evil, op: 'is', value: evil }], sum: { property: evil, op: 'gt', value: 1 } },
  ];
  for (const rule of rules) {
    test(JSON.stringify(rule).slice(0, 60), () => {
      const { params, param } = paramList();
      const sql = compileWhere(parseRule(rule, ctx), { workspaceId: WS, now: NOW, timezone: 'UTC', param });
      assert.ok(!/drop table/i.test(sql), sql);
      assert.ok(params.some((p) => typeof p === 'string' && /drop table/i.test(p)));
    });
  }
});
