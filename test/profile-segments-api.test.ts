import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from './http.ts';
import { forEachStore } from './stores.ts';

interface Seg { id: string; name: string; status: string; entered_at: string | null }

forEachStore('a profile\'s segments over HTTP', (kind) => {
  let s: TestServer;
  const seg: Record<string, string> = {};
  let ann: string;
  let bo: string;
  /** Our three segments the profile is in, by name (predefined segments of the workspace left out). */
  const segmentsOf = async (id: string, opts?: { key: string }): Promise<Seg[]> => {
    const res = await s.call('GET', `/v1/profiles/${id}/segments`, undefined, opts);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return (res.body.data as Seg[]).filter((x) => Object.values(seg).includes(x.id));
  };

  before(async () => {
    s = await startServer(kind);
    ann = (await s.call('POST', '/v1/profiles', { externalId: 'ann', attributes: { country: 'UK' } })).body.id;
    bo = (await s.call('POST', '/v1/profiles', { externalId: 'bo', attributes: { country: 'FR' } })).body.id;
    const vip = (await s.call('POST', '/v1/tags', { name: 'vip' })).body.id;
    assert.equal((await s.call('POST', `/v1/tags/${vip}/profiles`, { profile_ids: [ann] })).status, 200);
    for (const [name, rule] of [
      ['In the UK', { attribute: 'country', op: 'is', value: 'UK' }],
      ['VIPs', { tag: 'vip' }],
      ['In France', { attribute: 'country', op: 'is', value: 'FR' }],
    ] as const) {
      const res = await s.call('POST', '/v1/segments', { name, rule });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      seg[name] = res.body.id;
    }
  });
  after(() => s.close());

  test('before the worker builds them, the segments are evaluated live for the profile', async () => {
    const live = await segmentsOf(ann);
    assert.deepEqual(live.map((x) => [x.name, x.status, x.entered_at]), [['In the UK', 'building', null], ['VIPs', 'building', null]]);
    assert.deepEqual((await segmentsOf(bo)).map((x) => x.name), ['In France']);
  });

  test('once built, the stored membership answers, with when the profile entered; an edited segment is live again', async () => {
    await s.services.membership.drain();
    const stored = await segmentsOf(ann);
    const at = s.clock.now().toISOString();
    assert.deepEqual(stored.map((x) => [x.name, x.status, x.entered_at]), [['In the UK', 'ready', at], ['VIPs', 'ready', at]]);

    // Stored rows alone decide for a built segment: take Ann out behind the worker's back and she is out.
    await s.services.db.query('DELETE FROM segment_members WHERE workspace_id = $1 AND profile_id = $2 AND segment_id = $3', [s.workspaceId, ann, seg.VIPs]);
    assert.deepEqual((await segmentsOf(ann)).map((x) => x.name), ['In the UK']);

    const edited = await s.call('PATCH', `/v1/segments/${seg['In France']}`, { rule: { attribute: 'country', op: 'is', values: ['FR', 'UK'] } });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.deepEqual((await segmentsOf(ann)).map((x) => [x.name, x.status]), [['In France', 'building'], ['In the UK', 'ready']]);
  });

  test('an unknown profile, a malformed id and another workspace\'s profile are refused', async () => {
    const missing = await s.call('GET', '/v1/profiles/01900000-0000-7000-8000-0000000000ff/segments');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'AUD_ERR_NOT_FOUND');
    const bad = await s.call('GET', '/v1/profiles/nope/segments');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.path, 'params.id');

    const other = await s.services.workspaces.create({ name: 'Other', timezone: 'UTC' });
    const theirs = (await s.call('POST', '/v1/profiles', { externalId: 'ann', attributes: { country: 'UK' } }, { key: other.apiKey })).body.id;
    assert.equal((await s.call('GET', `/v1/profiles/${theirs}/segments`)).status, 404);
    assert.equal((await s.call('GET', `/v1/profiles/${ann}/segments`, undefined, { key: other.apiKey })).status, 404);
    const own = await s.call('GET', `/v1/profiles/${theirs}/segments`, undefined, { key: other.apiKey });
    assert.equal(own.status, 200);
    assert.ok(!own.body.data.some((x: Seg) => Object.values(seg).includes(x.id)), 'our segments are not theirs');
  });
});
