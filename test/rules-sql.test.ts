/** The bulk SQL on real stores: literal matching of SQL metacharacters, count vs ids, keyset pages. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RuleCase } from '../src/cli/conformance/case.ts';
import { loadCase, type LoadedCase } from '../src/cli/conformance/load-case.ts';
import type { Db } from '../src/db/db.ts';
import { parseRule } from '../src/rules/parse.ts';
import { membersQuery } from '../src/rules/sql/members-query.ts';
import { paramList, sqlEnv } from '../src/rules/sql/context.ts';
import { dayInRangesSql, daySql, instantSql } from '../src/rules/sql/temporal.ts';
import { inDayRange, type DayRange } from '../src/rules/time/boundaries.ts';
import { valueDay, valueInstant } from '../src/rules/time/temporal.ts';
import { foldCase } from '../src/rules/text.ts';
import { forEachStore, freshDb } from './stores.ts';

const PCT = `%_'\\`;
const DROP = `'); drop table x`;

const CASE: RuleCase = {
  file: 'rules-sql.test.ts',
  name: 'sql metacharacters',
  now: '2026-03-15T12:00:00Z',
  timezone: 'UTC',
  schema: {},
  profiles: [
    { id: 'pct', attributes: { note: PCT }, tags: [PCT], lists: [], consent: {} },
    { id: 'drop', attributes: { note: DROP }, tags: [DROP], lists: [DROP], consent: { [DROP]: 'subscribed' } },
    { id: 'near-pct', attributes: { note: 'xa"\\' }, tags: ['%'], lists: [], consent: {} },
    { id: 'near-drop', attributes: { note: `'); drop table y` }, tags: [], lists: [], consent: {} },
    { id: 'plain', attributes: {}, tags: [], lists: [], consent: {} },
  ],
  segments: {},
  events: [
    { profile: 'pct', name: PCT, ts: '2026-03-14T00:00:00Z', properties: { [DROP]: PCT } },
    { profile: 'near-pct', name: '%', ts: '2026-03-14T00:00:00Z', properties: { x: 'y' } },
  ],
  dnc: [],
  rule: null,
};

forEachStore('rules SQL', (kind) => {
  let db: Db;
  let drop: () => Promise<void>;
  let loaded: LoadedCase;
  before(async () => {
    ({ db, drop } = await freshDb(kind));
    loaded = await loadCase(db, CASE);
  });
  after(() => drop());

  const byId = () => new Map([...loaded.profileIds].map(([ext, id]) => [id, ext]));
  const members = async (rule: unknown, page: { limit?: number; after?: string } = {}) => {
    const q = membersQuery({
      workspaceId: loaded.workspaceId, node: parseRule(rule, { attributeType: () => undefined, segment: () => undefined }),
      now: new Date(CASE.now), timezone: 'UTC', mode: 'ids', ...page,
    });
    return (await db.query<{ profile_id: string }>(q.sql, q.params)).map((r) => r.profile_id);
  };
  const ext = async (rule: unknown) => (await members(rule)).map((id) => byId().get(id)!).sort();

  test('%, _, quote and backslash match themselves, in every kind of operand', async () => {
    assert.deepEqual(await ext({ attribute: 'note', op: 'is', value: PCT }), ['pct']);
    assert.deepEqual(await ext({ attribute: 'note', op: 'contains', value: PCT }), ['pct']);
    assert.deepEqual(await ext({ attribute: 'note', op: 'starts_with', value: '%' }), ['pct']);
    assert.deepEqual(await ext({ attribute: 'note', op: 'starts_with', value: PCT }), ['pct']);
    assert.deepEqual(await ext({ attribute: 'note', op: 'starts_with', value: '_' }), []);
    assert.deepEqual(await ext({ attribute: 'note', op: 'starts_with', value: 'xa"\\' }), ['near-pct']);
    assert.deepEqual(await ext({ attribute: 'note', op: 'starts_with', value: 'x_' }), []);
    assert.deepEqual(await ext({ attribute: 'note', op: 'ends_with', value: `'\\` }), ['pct']);
    assert.deepEqual(await ext({ tag: PCT }), ['pct']);
    assert.deepEqual(await ext({ event: PCT, where: [{ property: DROP, op: 'is', value: PCT }] }), ['pct']);
  });

  test(`"${DROP}" is a value like any other`, async () => {
    assert.deepEqual(await ext({ attribute: 'note', op: 'is', value: DROP }), ['drop']);
    assert.deepEqual(await ext({ attribute: 'note', op: 'starts_with', value: DROP }), ['drop']);
    assert.deepEqual(await ext({ all: [{ tag: DROP }, { list: DROP }, { consent: DROP, status: 'subscribed' }] }), ['drop']);
    assert.deepEqual(await ext({ attribute: 'note', op: 'not_contains', value: DROP }), ['near-drop', 'near-pct', 'pct', 'plain']);
    const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM profiles WHERE workspace_id = $1', [loaded.workspaceId]);
    assert.equal(row!.n, 5);
  });

  test('count agrees with ids, and keyset pages cover the members once, in order', async () => {
    const rule = { attribute: 'note', op: 'is_not', value: 'nothing' };
    const all = await members(rule);
    const q = membersQuery({
      workspaceId: loaded.workspaceId, node: parseRule(rule, { attributeType: () => undefined, segment: () => undefined }),
      now: new Date(CASE.now), timezone: 'UTC', mode: 'count',
    });
    const [{ count }] = (await db.query<{ count: number }>(q.sql, q.params)) as [{ count: number }];
    assert.equal(count, 5);
    assert.equal(all.length, 5);
    const pages: string[] = [];
    let last: string | undefined;
    for (;;) {
      const page = await members(rule, { limit: 2, ...(last ? { after: last } : {}) });
      if (page.length === 0) break;
      pages.push(...page);
      last = page.at(-1);
    }
    assert.deepEqual(pages, all);
    assert.deepEqual(pages, [...all].sort());
  });

  test('SQL reads dates and datetimes out of values exactly as JS does', async () => {
    const values: unknown[] = [
      '2026-03-01', '2024-02-29', '2026-02-29', '2026-02-30', '2026-04-31', '1900-02-29', '2000-02-29', '0000-01-01',
      '2026-03-01T10:00', '2026-03-01 10:00:00', '2026-03-01T10:00:00.123456Z', '2026-03-01T23:30:00-05:00', '2026-03-01T10:00+0530',
      '2026-03-01T10:00+05', '2026-03-01T24:00:00', '2026-03-01T10:60', '2026-03-01Z', '2026-11-01T01:30:00', '2026-03-08T02:30:00',
      '2026-03-31T23:59:59.999+14:00', '2026-03-01T10:00+15:59', '2026-03-01T10:00+16:00', '2026-03-01T10:00-1559', 'soon', '', '2026-3-1', ' 2026-03-01', 20260301, true, null, ['2026-03-01'],
    ];
    for (const tz of ['America/New_York', 'Asia/Kolkata', 'UTC']) {
      const { params, param } = paramList();
      const q = sqlEnv({ workspaceId: '00000000-0000-0000-0000-000000000000', now: new Date(CASE.now), timezone: tz, param });
      const cols = values.map((v, i) => {
        const x = `(${param(JSON.stringify(v))}::jsonb)`;
        return `${daySql(x, q)} AS d${i}, ${instantSql(x, q)} AS t${i}`;
      });
      const [row] = await db.query<Record<string, string | Date | null>>(`SELECT ${cols.join(', ')}`, params);
      values.forEach((v, i) => {
        assert.equal(row![`d${i}`] ?? undefined, valueDay(v, tz), `day of ${JSON.stringify(v)} in ${tz}`);
        const t = row![`t${i}`] as Date | null;
        const js = valueInstant(v, tz);
        assert.equal(t === null ? undefined : t.getTime(), js === undefined ? undefined : Math.floor(js), `instant of ${JSON.stringify(v)} in ${tz}`);
      });
    }
  });

  test('dayInRangesSql (text prefilter + exact day) agrees with the JS day on every value, zone and range', async () => {
    const values: unknown[] = [
      '2026-03-01', '2026-02-28', '2026-03-02', '2026-02-29', '2026-02-30', '0000-03-01', '2026-03-01T10:00', '2026-02-27T23:00:00-12:00',
      '2026-03-03T01:00:00+15:00', '2026-02-28T23:30:00-05:00', '2026-03-01T00:30:00+14:00', '2026-03-01x', ' 2026-03-01', '2026-3-1',
      '', 'soon', 20260301, true, null, ['2026-03-01'], { d: '2026-03-01' },
    ];
    const ranges: DayRange[][] = [
      [{ from: '2026-03-01', to: '2026-03-01' }], [{ from: '2026-03-01' }], [{ to: '2026-03-01' }], [{}],
      [{ from: '2026-02-28', to: '2026-03-02' }, { from: '2026-03-05', to: '2026-03-05' }], [],
      [{ from: '0001-01-01', to: '0001-01-02' }], [{ from: '9999-12-30' }],
    ];
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
      const { params, param } = paramList();
      const q = sqlEnv({ workspaceId: '00000000-0000-0000-0000-000000000000', now: new Date(CASE.now), timezone: tz, param });
      const cols: string[] = [];
      const want: boolean[] = [];
      values.forEach((v) => {
        const x = `(${param(JSON.stringify(v))}::jsonb)`;
        ranges.forEach((rs) => {
          cols.push(`${dayInRangesSql({ s: `(${x} #>> '{}')`, ranges: rs, q })} AS c${cols.length}`);
          const d = valueDay(v, tz);
          want.push(d !== undefined && rs.some((r) => inDayRange(d, r)));
        });
      });
      const [row] = await db.query<Record<string, boolean>>(`SELECT ${cols.join(', ')}`, params);
      want.forEach((w, i) => assert.equal(row![`c${i}`], w, `${JSON.stringify(values[Math.floor(i / ranges.length)])} in ${JSON.stringify(ranges[i % ranges.length])}, ${tz}`));
    }
  });

  test("SQL lower() folds case as the in-memory evaluator does", async () => {
    const texts = ['London', 'ÄÖÜ Straße', 'İstanbul', 'ΟΔΟΣ', 'ǅemal', 'ẞ', 'Ω K Å', 'ＡＢＣ'];
    const rows = await db.query<{ l: string }>('SELECT lower(unnest($1::text[])) AS l', [texts]);
    assert.deepEqual(rows.map((r) => r.l), texts.map(foldCase));
  });
});
