import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '../src/shared/ids.ts';
import { startServer, type TestServer } from './http.ts';
import { insertProfiles } from './profiles-fixture.ts';
import { forEachStore } from './stores.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = '2026-03-15T12:00:00Z';
const daysAgo = (n: number) => new Date(Date.parse(NOW) - n * 86_400_000);
const purchases3 = { event: 'purchase', count: { op: 'gte', value: 3 }, time: { op: 'within_last', amount: 30, unit: 'day' } };
const names = (page: { data: { name: string }[] }) => page.data.map((s) => s.name);

forEachStore('segments over HTTP', (kind) => {
  let s: TestServer;
  let p: string[];
  const create = async (body: Json) => {
    const res = await s.call('POST', '/v1/segments', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const insertEvents = (rows: [profile: string, name: string, at: Date][]) =>
    s.services.db.query(
      `INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, received_at)
       SELECT $1, p, m, n, t, '{}', t FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) AS u(p, m, n, t)`,
      [s.workspaceId, rows.map((r) => r[0]), rows.map(() => newId()), rows.map((r) => r[1]), rows.map((r) => r[2])],
    );

  before(async () => {
    s = await startServer(kind, { now: NOW });
    p = await insertProfiles(s.services.db, s.workspaceId, [
      { email: 'ann@example.com', external_id: 'u1', phone: '+44 1234 567890', attributes: { first_name: 'Ann', last_name: 'Lee', city: 'London', birthdate: '1990-05-01' } },
      { email: 'bo@example.com', external_id: 'u2', attributes: { first_name: 'Bo', city: 'Lodz', birthdate: '2001-01-01' } },
      { email: 'cy@example.com', external_id: 'u3', attributes: { city: 'Paris' } },
      { email: 'di@example.com', external_id: 'u4', attributes: { city: "%_'\\" } },
      { email: 'ed@example.com', external_id: 'u5', attributes: { city: "'); drop table profiles; --" } },
    ]);
    // Ann: 3 purchases in the last 30 days; Bo: 2; Cy: 4 but two of them too old. Ann and Bo opened the app.
    await insertEvents([
      [p[0]!, 'purchase', daysAgo(1)], [p[0]!, 'purchase', daysAgo(5)], [p[0]!, 'purchase', daysAgo(20)],
      [p[1]!, 'purchase', daysAgo(2)], [p[1]!, 'purchase', daysAgo(3)],
      [p[2]!, 'purchase', daysAgo(1)], [p[2]!, 'purchase', daysAgo(2)], [p[2]!, 'purchase', daysAgo(40)], [p[2]!, 'purchase', daysAgo(90)],
      [p[0]!, 'app_launch', daysAgo(3)], [p[1]!, 'app_launch', daysAgo(29)], [p[3]!, 'app_launch', daysAgo(31)],
    ]);
    const vip = newId();
    await s.services.db.query('INSERT INTO tags (id, workspace_id, name, created_at) VALUES ($1, $2, $3, $4)', [vip, s.workspaceId, 'vip', new Date(NOW)]);
    await s.services.db.query('INSERT INTO profile_tags (workspace_id, profile_id, tag_id, added_at) VALUES ($1, $2, $3, $4)', [s.workspaceId, p[0], vip, new Date(NOW)]);
  });
  after(() => s.close());

  describe('predefined segments', () => {
    test('every new workspace has them, counted live until the worker builds them', async () => {
      const list = await s.call('GET', '/v1/segments?q=mobile');
      assert.equal(list.status, 200);
      const byName = Object.fromEntries(list.body.data.map((x: Json) => [x.name, x]));
      assert.deepEqual(Object.keys(byName).sort(), ['Active Mobile Users', 'Inactive Mobile Users']);
      assert.equal(byName['Active Mobile Users'].predefined, true);
      assert.equal(byName['Active Mobile Users'].member_count, 2);
      assert.equal(byName['Inactive Mobile Users'].member_count, 3);
      assert.equal(byName['Active Mobile Users'].status, 'building');
      const everyone = (await s.call('GET', '/v1/segments?q=everyone')).body.data[0];
      assert.deepEqual(everyone.rule, { all: [] });
      assert.equal(everyone.member_count, 5);
    });

    test('are read-only: edit and delete are refused, duplicate is allowed', async () => {
      const everyone = (await s.call('GET', '/v1/segments?q=everyone')).body.data[0];
      const edit = await s.call('PATCH', `/v1/segments/${everyone.id}`, { name: 'All' });
      assert.equal(edit.status, 409);
      assert.equal(edit.body.error.code, 'AUD_ERR_SEGMENT_READ_ONLY');
      const del = await s.call('DELETE', `/v1/segments/${everyone.id}`);
      assert.equal(del.status, 409);
      assert.equal(del.body.error.code, 'AUD_ERR_SEGMENT_READ_ONLY');
      const copy = await s.call('POST', `/v1/segments/${everyone.id}/duplicate`);
      assert.equal(copy.status, 201);
      assert.equal(copy.body.name, 'Copy of Everyone');
      assert.equal(copy.body.predefined, false);
      assert.deepEqual(copy.body.rule, { all: [] });
      assert.equal((await s.call('PATCH', `/v1/segments/${copy.body.id}`, { name: 'All of them' })).status, 200);
    });

    test('a workspace that predates them gets them when its segments are first listed', async () => {
      const old = await s.services.workspaces.create({ name: 'Old' });
      await s.services.db.query('DELETE FROM segments WHERE workspace_id = $1', [old.workspace.id]);
      const first = await s.call('GET', '/v1/segments', undefined, { key: old.apiKey });
      assert.deepEqual(names(first.body), ['Active Mobile Users', 'Everyone', 'Inactive Mobile Users']);
      await s.services.segments.list({ workspaceId: old.workspace.id, timezone: 'UTC', sort: 'name', desc: false, limit: 10 });
      const [row] = await s.services.db.query<{ n: number }>('SELECT count(*) AS n FROM segments WHERE workspace_id = $1', [old.workspace.id]);
      const n = row!.n;
      assert.equal(n, 3);
    });
  });

  test('create, read, edit (a rule change moves the version on) and delete', async () => {
    const created = await create({ name: 'Buyers', description: 'Three purchases a month', rule: purchases3 });
    assert.equal(created.version, 1);
    assert.equal(created.member_count, 1);
    assert.equal(created.status, 'building');
    assert.deepEqual(created.used_by, []);
    assert.equal(created.predefined, false);
    const got = await s.call('GET', `/v1/segments/${created.id}`);
    assert.deepEqual(got.body, created);

    const renamed = await s.call('PATCH', `/v1/segments/${created.id}`, { name: 'Regular buyers', description: null });
    assert.equal(renamed.body.version, 1);
    assert.equal(renamed.body.description, null);
    // The same rule written differently is no change.
    const same = await s.call('PATCH', `/v1/segments/${created.id}`, { rule: { time: purchases3.time, count: purchases3.count, event: 'purchase' } });
    assert.equal(same.body.version, 1);
    const edited = await s.call('PATCH', `/v1/segments/${created.id}`, { rule: { ...purchases3, count: { op: 'gte', value: 2 } } });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.version, 2);
    assert.equal(edited.body.member_count, 3);

    const del = await s.call('DELETE', `/v1/segments/${created.id}`);
    assert.deepEqual(del.body, { id: created.id, deleted: true });
    assert.equal((await s.call('GET', `/v1/segments/${created.id}`)).status, 404);
    assert.equal((await s.call('DELETE', `/v1/segments/${created.id}`)).status, 404);
  });

  test('search by name and sort by name, dates, member count and use; cursor and offset pages', async () => {
    const made = [
      await create({ name: 'zz Alpha', rule: { tag: 'vip' } }),
      await create({ name: 'zz beta', rule: { attribute: 'city', op: 'starts_with', value: 'lo' } }),
      await create({ name: 'zz Gamma', rule: { all: [] } }),
    ];
    s.clock.advance(60_000);
    await s.call('PATCH', `/v1/segments/${made[0].id}`, { description: 'touched' });
    await s.services.db.query(
      'INSERT INTO segment_usages (workspace_id, segment_id, user_kind, user_id, user_name, active) VALUES ($1, $2, $3, $4, $5, $6)',
      [s.workspaceId, made[1].id, 'campaign', newId(), 'Old newsletter', false],
    );
    const list = async (query: string) => {
      const res = await s.call('GET', `/v1/segments?q=ZZ&${query}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    assert.deepEqual(names(await list('sort=name')), ['zz Alpha', 'zz beta', 'zz Gamma']);
    assert.deepEqual(names(await list('sort=-name')), ['zz Gamma', 'zz beta', 'zz Alpha']);
    assert.deepEqual(names(await list('sort=member_count')), ['zz Alpha', 'zz beta', 'zz Gamma']); // 1, 2, 5
    assert.deepEqual(names(await list('sort=-member_count')), ['zz Gamma', 'zz beta', 'zz Alpha']);
    assert.deepEqual(names(await list('sort=-updated_at')).slice(0, 1), ['zz Alpha']);
    assert.deepEqual(names(await list('sort=created_at')), ['zz Alpha', 'zz beta', 'zz Gamma']);
    assert.deepEqual(names(await list('sort=-used')).slice(0, 1), ['zz beta']);
    assert.equal((await list('sort=name')).total, 3);

    for (const sort of ['name', '-member_count', 'created_at']) {
      const first = await list(`sort=${sort}&limit=2`);
      assert.equal(first.data.length, 2);
      assert.ok(first.next_cursor);
      const second = await list(`sort=${sort}&limit=2&cursor=${first.next_cursor}`);
      assert.equal(second.next_cursor, null);
      assert.deepEqual([...names(first), ...names(second)], names(await list(`sort=${sort}`)));
    }
    assert.deepEqual(names(await list('sort=name&offset=1&limit=1')), ['zz beta']);
    const other = (await list('sort=name&limit=1')).next_cursor;
    const mismatch = await s.call('GET', `/v1/segments?sort=created_at&cursor=${other}`);
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.error.path, 'query.cursor');
    assert.equal((await s.call('GET', '/v1/segments?sort=color')).status, 400);
  });

  test('preview: count and the first 20 profiles, nothing saved', async () => {
    const before = (await s.call('GET', '/v1/segments?limit=500')).body.total;
    const res = await s.call('POST', '/v1/segments/preview', { rule: { any: [purchases3, { attribute: 'city', op: 'is', value: 'Lodz' }] } });
    assert.equal(res.status, 200);
    assert.equal(res.body.count, 2);
    assert.deepEqual(res.body.sample, [
      { id: p[0], external_id: 'u1', email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee' },
      { id: p[1], external_id: 'u2', email: 'bo@example.com', first_name: 'Bo', last_name: null },
    ]);
    assert.equal((await s.call('GET', '/v1/segments?limit=500')).body.total, before);
    const everyone = await s.call('POST', '/v1/segments/preview', { rule: { all: [] } });
    assert.equal(everyone.body.count, 5);
    assert.equal(everyone.body.sample.length, 5);
  });

  test('members: cursor pages and CSV, live while building and stored once built', async () => {
    const seg = await create({ name: 'Londoners and friends', rule: { attribute: 'city', op: 'starts_with', value: 'L' } });
    const first = await s.call('GET', `/v1/segments/${seg.id}/members?limit=1`);
    assert.equal(first.status, 200);
    assert.equal(first.body.data.length, 1);
    assert.equal(first.body.data[0].entered_at, null);
    const second = await s.call('GET', `/v1/segments/${seg.id}/members?limit=1&cursor=${first.body.next_cursor}`);
    assert.equal(second.body.next_cursor, null);
    assert.deepEqual([first.body.data[0].profile_id, second.body.data[0].profile_id], [p[0], p[1]]);
    assert.equal(first.body.data[0].phone, '+441234567890');
    assert.equal((await s.call('GET', `/v1/segments/${seg.id}/members?cursor=nope`)).status, 400);

    const csv = await s.call('GET', `/v1/segments/${seg.id}/members?format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    const lines = (csv.body as string).trim().split('\n');
    assert.equal(lines[0], 'profile_id,external_id,email,phone,first_name,last_name,entered_at');
    assert.equal(lines[1], `${p[0]},u1,ann@example.com,+441234567890,Ann,Lee,`);
    assert.equal(lines.length, 3);

    // The worker built it (only Ann, as it saw things then): the stored membership is read from now on.
    const entered = new Date('2026-03-10T08:00:00Z');
    await s.services.db.query('INSERT INTO segment_members (workspace_id, profile_id, segment_id, entered_at) VALUES ($1, $2, $3, $4)', [s.workspaceId, p[0], seg.id, entered]);
    await s.services.db.query('INSERT INTO segment_builds (segment_id, workspace_id, built_version, built_at, member_count) VALUES ($1, $2, 1, $3, 1)', [seg.id, s.workspaceId, entered]);
    const built = (await s.call('GET', `/v1/segments/${seg.id}`)).body;
    assert.equal(built.status, 'ready');
    assert.equal(built.member_count, 1);
    const stored = await s.call('GET', `/v1/segments/${seg.id}/members`);
    assert.equal(stored.body.data.length, 1);
    assert.equal(stored.body.data[0].entered_at, entered.toISOString());
    const storedCsv = ((await s.call('GET', `/v1/segments/${seg.id}/members?format=csv`)).body as string).trim().split('\n');
    assert.equal(storedCsv[1], `${p[0]},u1,ann@example.com,+441234567890,Ann,Lee,${entered.toISOString()}`);

    // An edit moves the version past the build: live again until the worker catches up.
    const edited = (await s.call('PATCH', `/v1/segments/${seg.id}`, { rule: { attribute: 'city', op: 'starts_with', value: 'Lo' } })).body;
    assert.equal(edited.status, 'building');
    assert.equal(edited.member_count, 2);
  });

  test('explain: each node with its truth and what it saw', async () => {
    const seg = await create({ name: 'Explained', rule: { all: [purchases3, { not: { tag: 'vip' } }, { attribute: 'age', op: 'gte', value: 18 }] } });
    const bo = await s.call('GET', `/v1/segments/${seg.id}/explain/${p[1]}`);
    assert.equal(bo.status, 200, JSON.stringify(bo.body));
    assert.equal(bo.body.result, false);
    const tree = bo.body.explanation;
    assert.equal(tree.kind, 'all');
    assert.equal(tree.path, 'rule');
    const [buys, notVip, adult] = tree.children;
    assert.equal(buys.path, 'rule.all[0]');
    assert.equal(buys.result, false);
    assert.match(buys.detail, /purchase count in window \(within_last 30 day\): 2, needed gte 3/);
    assert.equal(notVip.result, true);
    assert.equal(notVip.children[0].path, 'rule.all[1].not');
    assert.match(notVip.children[0].detail, /absent/);
    assert.equal(adult.result, true);
    assert.match(adult.detail, /saw 25/);

    const ann = await s.call('GET', `/v1/segments/${seg.id}/explain/${p[0]}`);
    assert.equal(ann.body.result, false);
    assert.equal(ann.body.explanation.children[0].result, true);
    assert.equal(ann.body.explanation.children[1].result, false);

    const ref = await create({ name: 'Refers', rule: { segment: seg.id } });
    const viaRef = await s.call('GET', `/v1/segments/${ref.id}/explain/${p[1]}`);
    assert.equal(viaRef.body.explanation.segment_name, 'Explained');
    assert.equal(viaRef.body.explanation.children[0].path, `rule.segments.${seg.id}`);
    assert.equal((await s.call('GET', `/v1/segments/${seg.id}/explain/${newId()}`)).status, 404);
  });

  test('rule errors are 422 with the path of the bad node under rule.', async () => {
    const bad = async (rule: unknown, path: string, message?: RegExp) => {
      const res = await s.call('POST', '/v1/segments', { name: 'Bad', rule });
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'AUD_ERR_RULE_INVALID');
      assert.equal(res.body.error.path, path);
      if (message) assert.match(res.body.error.message, message);
      const preview = await s.call('POST', '/v1/segments/preview', { rule });
      assert.equal(preview.status, 422);
      assert.equal(preview.body.error.path, path);
    };
    await bad({ all: [{ tag: 'a' }, { tag: 'b' }, { attribute: 'city', op: 'bigger' }] }, 'rule.all[2].op', /^rule\.all\[2\]\.op: unknown operator/);
    await bad('everyone', 'rule');
    await bad({ segment: newId() }, 'rule.segment', /unknown segment/);
    await bad({ event: 'purchase', count: { op: 'gte', value: 1 }, sum: { property: 'amount', op: 'gt', value: 1 } }, 'rule.sum');
    const missing = await s.call('POST', '/v1/segments', { name: 'No rule' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.path, 'rule');
  });

  test('segment references: by id in the workspace; cycles are refused, also when an edit would close one', async () => {
    const a = await create({ name: 'Ref A', rule: { tag: 'vip' } });
    const b = await create({ name: 'Ref B', rule: { all: [{ segment: a.id }] } });
    const c = await create({ name: 'Ref C', rule: { not: { segment: b.id } } });
    assert.equal(b.member_count, 1);
    assert.equal(c.member_count, 4);
    const self = await s.call('PATCH', `/v1/segments/${a.id}`, { rule: { segment: a.id } });
    assert.equal(self.status, 422);
    assert.equal(self.body.error.path, 'rule.segment');
    assert.match(self.body.error.message, /cycle/);
    const loop = await s.call('PATCH', `/v1/segments/${a.id}`, { rule: { any: [{ tag: 'vip' }, { segment: c.id }] } });
    assert.equal(loop.status, 422);
    assert.match(loop.body.error.message, /cycle/);
    assert.match(loop.body.error.path, /^rule\./);

    // Changing A changes B and C: they are rebuilt too.
    await s.call('PATCH', `/v1/segments/${a.id}`, { rule: { attribute: 'city', op: 'is', value: 'Paris' } });
    assert.equal((await s.call('GET', `/v1/segments/${b.id}`)).body.version, 2);
    assert.equal((await s.call('GET', `/v1/segments/${c.id}`)).body.version, 2);

    const del = await s.call('DELETE', `/v1/segments/${a.id}`);
    assert.equal(del.status, 409);
    assert.equal(del.body.error.code, 'AUD_ERR_SEGMENT_IN_USE');
    assert.match(del.body.error.message, /segment "Ref B"/);
    assert.equal((await s.call('DELETE', `/v1/segments/${c.id}`)).status, 200);
    assert.equal((await s.call('DELETE', `/v1/segments/${b.id}`)).status, 200);
    assert.equal((await s.call('DELETE', `/v1/segments/${a.id}`)).status, 200);
  });

  test('in use by an active campaign: rule edits and delete are refused, naming it', async () => {
    const seg = await create({ name: 'Campaign audience', rule: { tag: 'vip' } });
    const use = (name: string, active: boolean) => s.services.db.query(
      'INSERT INTO segment_usages (workspace_id, segment_id, user_kind, user_id, user_name, active) VALUES ($1, $2, $3, $4, $5, $6)',
      [s.workspaceId, seg.id, 'campaign', newId(), name, active],
    );
    await use('Spring sale', true);
    await use('Last year', false);
    const got = (await s.call('GET', `/v1/segments/${seg.id}`)).body;
    assert.deepEqual(got.used_by.map((u: Json) => [u.kind, u.name, u.active]), [['campaign', 'Last year', false], ['campaign', 'Spring sale', true]]);
    const edit = await s.call('PATCH', `/v1/segments/${seg.id}`, { rule: { tag: 'other' } });
    assert.equal(edit.status, 409);
    assert.equal(edit.body.error.code, 'AUD_ERR_SEGMENT_IN_USE');
    assert.match(edit.body.error.message, /campaign "Spring sale"/);
    assert.doesNotMatch(edit.body.error.message, /Last year/);
    const del = await s.call('DELETE', `/v1/segments/${seg.id}`);
    assert.equal(del.status, 409);
    assert.match(del.body.error.message, /campaign "Spring sale"/);
    assert.equal((await s.call('PATCH', `/v1/segments/${seg.id}`, { name: 'Renamed' })).status, 200);
    await s.services.db.query('UPDATE segment_usages SET active = false WHERE segment_id = $1', [seg.id]);
    assert.equal((await s.call('DELETE', `/v1/segments/${seg.id}`)).status, 200);
  });

  test("another workspace's key gets 404", async () => {
    const seg = await create({ name: 'Private', rule: { tag: 'vip' } });
    const other = await s.services.workspaces.create({ name: 'Other' });
    const o = { key: other.apiKey };
    for (const [method, path, body] of [
      ['GET', `/v1/segments/${seg.id}`], ['PATCH', `/v1/segments/${seg.id}`, { name: 'Mine' }], ['DELETE', `/v1/segments/${seg.id}`],
      ['POST', `/v1/segments/${seg.id}/duplicate`], ['GET', `/v1/segments/${seg.id}/members`], ['GET', `/v1/segments/${seg.id}/members?format=csv`],
      ['GET', `/v1/segments/${seg.id}/explain/${p[0]}`],
    ] as [string, string, unknown?][]) {
      const res = await s.call(method, path, body, o);
      assert.equal(res.status, 404, `${method} ${path}`);
    }
    assert.deepEqual(names((await s.call('GET', '/v1/segments?q=private', undefined, o)).body), []);
    // Their rule can not reach our segment, nor count our profiles.
    assert.equal((await s.call('POST', '/v1/segments/preview', { rule: { segment: seg.id } }, o)).status, 422);
    assert.equal((await s.call('POST', '/v1/segments/preview', { rule: { all: [] } }, o)).body.count, 0);
  });

  test('values are data, never SQL: %_\'\\ and a would-be injection match themselves literally', async () => {
    const count = async (rule: unknown) => {
      const res = await s.call('POST', '/v1/segments/preview', { rule });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.sample.map((x: Json) => x.external_id);
    };
    assert.deepEqual(await count({ attribute: 'city', op: 'is', value: "%_'\\" }), ['u4']);
    assert.deepEqual(await count({ attribute: 'city', op: 'contains', value: "%_'\\" }), ['u4']);
    assert.deepEqual(await count({ attribute: 'city', op: 'starts_with', value: '%' }), ['u4']);
    assert.deepEqual(await count({ attribute: 'city', op: 'contains', value: '_' }), ['u4']);
    assert.deepEqual(await count({ attribute: 'city', op: 'is', value: "'); drop table profiles; --" }), ['u5']);
    assert.deepEqual(await count({ attribute: 'city', op: 'ends_with', value: 'profiles; --' }), ['u5']);
    const seg = await create({ name: "'); drop table segments; --", rule: { attribute: 'city', op: 'contains', value: "'); drop" } });
    assert.equal(seg.member_count, 1);
    assert.deepEqual(names((await s.call('GET', `/v1/segments?q=${encodeURIComponent("'); drop")}`)).body), ["'); drop table segments; --"]);
    assert.deepEqual(names((await s.call('GET', '/v1/segments?q=%25_')).body), []);
    const [row] = await s.services.db.query<{ n: number }>('SELECT count(*) AS n FROM profiles WHERE workspace_id = $1', [s.workspaceId]);
    const n = row!.n;
    assert.equal(n, 5);
  });
});
