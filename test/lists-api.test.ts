import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from './http.ts';
import { insertProfiles } from './profiles-fixture.ts';
import { forEachStore } from './stores.ts';

forEachStore('lists over HTTP', (kind) => {
  let s: TestServer;
  let profiles: string[];
  before(async () => {
    s = await startServer(kind);
    profiles = await insertProfiles(s.services.db, s.workspaceId, [
      { email: 'ann@example.com', external_id: 'u1', attributes: { first_name: 'Ann' } },
      { phone: '+44 1234 567890', external_id: 'u2' },
      { email: 'cy@example.com, ' },
      { email: 'di@example.com' },
    ]);
  });
  after(() => s.close());

  const changes = (kind: string) =>
    s.services.db.query<{ profile_id: string; names: string[] }>('SELECT profile_id, names FROM profile_changes WHERE kind = $1 ORDER BY id', [kind]);

  test('create, read, rename and list with counts; names are unique', async () => {
    const created = await s.call('POST', '/v1/lists', { name: 'Newsletter', description: 'Monthly' });
    assert.equal(created.status, 201);
    assert.equal(created.body.member_count, 0);
    const dup = await s.call('POST', '/v1/lists', { name: 'Newsletter' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'AUD_ERR_NAME_TAKEN');
    assert.equal(dup.body.error.path, 'name');
    const renamed = await s.call('PATCH', `/v1/lists/${created.body.id}`, { name: 'Monthly news', description: null });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Monthly news');
    assert.equal(renamed.body.description, null);
    const all = await s.call('GET', '/v1/lists');
    assert.deepEqual(all.body.data.map((l: { name: string }) => l.name), ['Monthly news']);
    const bad = await s.call('POST', '/v1/lists', { name: '  ' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.path, 'name');
  });

  test('add and remove members in bulk: changed, unchanged and invalid counts, and change records', async () => {
    const list = (await s.call('POST', '/v1/lists', { name: 'VIP' })).body;
    const add = await s.call('POST', `/v1/lists/${list.id}/members`, { profile_ids: [profiles[0], profiles[1], 'not-an-id', '01900000-0000-7000-8000-00000000dead'] });
    assert.equal(add.status, 200);
    assert.deepEqual(add.body, { changed: 2, unchanged: 0, invalid: 2 });
    const again = await s.call('POST', `/v1/lists/${list.id}/members`, { profile_ids: [profiles[0], profiles[2], profiles[2]] });
    assert.deepEqual(again.body, { changed: 1, unchanged: 1, invalid: 0 });
    assert.equal((await s.call('GET', `/v1/lists/${list.id}`)).body.member_count, 3);
    const lists = (await s.call('GET', '/v1/lists')).body.data;
    assert.equal(lists.find((l: { id: string }) => l.id === list.id).member_count, 3);

    const recorded = (await changes('lists')).filter((c) => c.names.includes('VIP'));
    assert.deepEqual(new Set(recorded.map((c) => c.profile_id)), new Set([profiles[0], profiles[1], profiles[2]]));

    const removed = await s.call('DELETE', `/v1/lists/${list.id}/members`, { profile_ids: [profiles[1], profiles[3]] });
    assert.deepEqual(removed.body, { changed: 1, unchanged: 1, invalid: 0 });
    assert.equal((await s.call('GET', `/v1/lists/${list.id}`)).body.member_count, 2);
  });

  test('add and remove everyone a rule matches now; a bad rule is a 422 on its path', async () => {
    const list = (await s.call('POST', '/v1/lists', { name: 'Example.com' })).body;
    const rule = { attribute: 'email', op: 'ends_with', value: '@EXAMPLE.com' };
    const add = await s.call('POST', `/v1/lists/${list.id}/members`, { rule });
    assert.equal(add.status, 200);
    assert.deepEqual(add.body, { changed: 2, unchanged: 0, invalid: 0 }); // ann and di
    assert.deepEqual((await s.call('POST', `/v1/lists/${list.id}/members`, { rule })).body, { changed: 0, unchanged: 2, invalid: 0 });
    const inList = { list: 'Example.com' };
    const removed = await s.call('DELETE', `/v1/lists/${list.id}/members`, { rule: { all: [inList, { attribute: 'first_name', op: 'is', value: 'Ann' }] } });
    assert.deepEqual(removed.body, { changed: 1, unchanged: 0, invalid: 0 });
    assert.equal((await s.call('GET', `/v1/lists/${list.id}`)).body.member_count, 1);

    const bad = await s.call('POST', `/v1/lists/${list.id}/members`, { rule: { all: [{ attribute: 'email', op: 'sounds_like', value: 'x' }] } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'AUD_ERR_RULE_INVALID');
    assert.equal(bad.body.error.path, 'rule.all[0].op');
    const both = await s.call('POST', `/v1/lists/${list.id}/members`, { rule, profile_ids: [profiles[0]] });
    assert.equal(both.status, 400);
  });

  test('a bulk change is all or nothing', async () => {
    const list = (await s.call('POST', '/v1/lists', { name: 'Atomic' })).body;
    await s.services.db.query("CREATE OR REPLACE FUNCTION fail_on_third() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF (SELECT count(*) FROM list_members WHERE list_id = NEW.list_id) >= 1 THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$");
    await s.services.db.query('CREATE TRIGGER t_fail BEFORE INSERT ON list_members FOR EACH ROW EXECUTE FUNCTION fail_on_third()');
    try {
      const res = await s.call('POST', `/v1/lists/${list.id}/members`, { profile_ids: profiles });
      assert.equal(res.status, 500);
    } finally {
      await s.services.db.query('DROP TRIGGER t_fail ON list_members');
    }
    assert.equal((await s.call('GET', `/v1/lists/${list.id}`)).body.member_count, 0);
  });

  test('members page by cursor and export as CSV', async () => {
    const list = (await s.call('POST', '/v1/lists', { name: 'Paged' })).body;
    await s.call('POST', `/v1/lists/${list.id}/members`, { profile_ids: profiles });
    const first = await s.call('GET', `/v1/lists/${list.id}/members?limit=3`);
    assert.equal(first.status, 200);
    assert.equal(first.body.data.length, 3);
    assert.ok(first.body.next_cursor);
    const second = await s.call('GET', `/v1/lists/${list.id}/members?limit=3&cursor=${first.body.next_cursor}`);
    assert.equal(second.body.data.length, 1);
    assert.equal(second.body.next_cursor, null);
    const ids = [...first.body.data, ...second.body.data].map((m: { profile_id: string }) => m.profile_id);
    assert.deepEqual(ids, [...profiles].sort());
    const ann = first.body.data.find((m: { profile_id: string }) => m.profile_id === profiles[0]);
    assert.equal(ann.email, 'ann@example.com');
    assert.equal(ann.first_name, 'Ann');

    const bad = await s.call('GET', `/v1/lists/${list.id}/members?cursor=garbage`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.path, 'query.cursor');

    const csv = await s.call('GET', `/v1/lists/${list.id}/members?format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    const lines = (csv.body as string).trim().split('\n');
    assert.equal(lines[0], 'profile_id,external_id,email,phone,first_name,last_name,added_at');
    assert.equal(lines.length, 5);
    assert.ok(lines.some((l) => l.includes('+441234567890') && l.includes('u2')));
  });

  test('deleting a list removes its memberships, not its profiles, and records the changes', async () => {
    const list = (await s.call('POST', '/v1/lists', { name: 'Doomed' })).body;
    await s.call('POST', `/v1/lists/${list.id}/members`, { profile_ids: [profiles[0], profiles[1]] });
    const del = await s.call('DELETE', `/v1/lists/${list.id}`);
    assert.equal(del.status, 200);
    assert.equal(del.body.members_removed, 2);
    assert.equal((await s.call('GET', `/v1/lists/${list.id}`)).status, 404);
    const left = await s.services.db.query('SELECT 1 FROM list_members WHERE list_id = $1', [list.id]);
    assert.equal(left.length, 0);
    const [row] = await s.services.db.query<{ n: number }>('SELECT count(*) AS n FROM profiles WHERE workspace_id = $1', [s.workspaceId]);
    assert.equal(row!.n, 4);
    assert.equal((await changes('lists')).filter((c) => c.names.includes('Doomed')).length, 4); // 2 when added, 2 when deleted
  });

  test("another workspace's key never sees these lists", async () => {
    const list = (await s.call('POST', '/v1/lists', { name: 'Private' })).body;
    const other = await s.services.workspaces.create({ name: 'Other' });
    const opts = { key: other.apiKey };
    assert.equal((await s.call('GET', `/v1/lists/${list.id}`, undefined, opts)).status, 404);
    assert.equal((await s.call('GET', `/v1/lists/${list.id}/members`, undefined, opts)).status, 404);
    assert.equal((await s.call('POST', `/v1/lists/${list.id}/members`, { profile_ids: [profiles[0]] }, opts)).status, 404);
    assert.equal((await s.call('DELETE', `/v1/lists/${list.id}`, undefined, opts)).status, 404);
    assert.deepEqual((await s.call('GET', '/v1/lists', undefined, opts)).body.data, []);
    // and a profile of this workspace is not one of theirs
    const theirs = (await s.call('POST', '/v1/lists', { name: 'Theirs' }, opts)).body;
    const add = await s.call('POST', `/v1/lists/${theirs.id}/members`, { profile_ids: [profiles[0]] }, opts);
    assert.deepEqual(add.body, { changed: 0, unchanged: 0, invalid: 1 });
  });
});
