import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createServices } from '../src/services.ts';
import { startServer, type TestServer } from './http.ts';
import { insertManyProfiles, insertProfiles } from './profiles-fixture.ts';
import { forEachStore } from './stores.ts';

forEachStore('tags over HTTP', (kind) => {
  let s: TestServer;
  let profiles: string[];
  before(async () => {
    s = await startServer(kind);
    profiles = await insertProfiles(s.services.db, s.workspaceId, [{ email: 'a@x.io' }, { email: 'b@x.io' }, { email: 'c@x.io' }]);
  });
  after(() => s.close());

  const tagChanges = async (name: string) =>
    (await s.services.db.query<{ profile_id: string; names: string[] }>("SELECT profile_id, names FROM profile_changes WHERE kind = 'tags'"))
      .filter((c) => c.names.includes(name));

  async function waitForJob(id: string): Promise<any> {
    for (let i = 0; i < 600; i++) {
      const job = (await s.call('GET', `/v1/jobs/${id}`)).body;
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the job did not finish in time');
  }

  test('create, get with its profile count, list with counts; names are unique', async () => {
    const vip = await s.call('POST', '/v1/tags', { name: 'vip' });
    assert.equal(vip.status, 201);
    assert.equal(vip.body.profile_count, 0);
    assert.equal((await s.call('POST', '/v1/tags', { name: 'vip' })).status, 409);
    const tagged = await s.call('POST', `/v1/tags/${vip.body.id}/profiles`, { profile_ids: [profiles[0], profiles[1], 'nope'] });
    assert.deepEqual(tagged.body, { changed: 2, unchanged: 0, invalid: 1 });
    assert.equal((await s.call('GET', `/v1/tags/${vip.body.id}`)).body.profile_count, 2);
    await s.call('POST', '/v1/tags', { name: 'churned' });
    const all = (await s.call('GET', '/v1/tags')).body.data;
    assert.deepEqual(all.map((t: { name: string; profile_count: number }) => [t.name, t.profile_count]), [['churned', 0], ['vip', 2]]);
    assert.equal((await tagChanges('vip')).length, 2);
  });

  test('remove in bulk reports changed and unchanged', async () => {
    const tag = (await s.call('POST', '/v1/tags', { name: 'trial' })).body;
    await s.call('POST', `/v1/tags/${tag.id}/profiles`, { profile_ids: [profiles[0]] });
    const res = await s.call('DELETE', `/v1/tags/${tag.id}/profiles`, { profile_ids: [profiles[0], profiles[2]] });
    assert.deepEqual(res.body, { changed: 1, unchanged: 1, invalid: 0 });
    assert.equal((await s.call('GET', `/v1/tags/${tag.id}`)).body.profile_count, 0);
  });

  test('deleting a tag removes it from its profiles and records the change', async () => {
    const tag = (await s.call('POST', '/v1/tags', { name: 'temp' })).body;
    await s.call('POST', `/v1/tags/${tag.id}/profiles`, { profile_ids: profiles });
    const del = await s.call('DELETE', `/v1/tags/${tag.id}`);
    assert.deepEqual(del.body, { id: tag.id, deleted: true, profiles_untagged: 3 });
    assert.equal((await s.call('GET', `/v1/tags/${tag.id}`)).status, 404);
    assert.equal((await s.services.db.query('SELECT 1 FROM profile_tags WHERE tag_id = $1', [tag.id])).length, 0);
    assert.equal((await tagChanges('temp')).length, 6); // 3 tagged, 3 untagged
  });

  test('over 10,000 profiles: 202 and a job that finishes in the background', async () => {
    const many = await insertManyProfiles(s.services.db, s.workspaceId, 10_001);
    const tag = (await s.call('POST', '/v1/tags', { name: 'bulk' })).body;
    await s.call('POST', `/v1/tags/${tag.id}/profiles`, { profile_ids: many.slice(0, 5) });
    const loop = s.services.jobs.start({ idleMs: 50 });
    try {
      const res = await s.call('POST', `/v1/tags/${tag.id}/profiles`, { profile_ids: [...many, 'bad-id'] });
      assert.equal(res.status, 202);
      assert.equal(res.body.job.kind, 'tag.assign');
      assert.equal(res.body.job.progress.total, 10_001);
      const job = await waitForJob(res.body.job.id);
      assert.equal(job.status, 'succeeded');
      assert.deepEqual(job.progress, { processed: 10_001, total: 10_001 });
      assert.deepEqual(job.counts, { changed: 9_996, unchanged: 5, invalid: 1 });
    } finally {
      await loop.stop();
    }
    assert.equal((await s.call('GET', `/v1/tags/${tag.id}`)).body.profile_count, 10_001);
    assert.equal((await tagChanges('bulk')).length, 10_001);
  });

  test('a job resumes after its worker dies, from the last committed batch, counting nothing twice', async () => {
    const { db } = s.services;
    const clock = s.clock;
    const options = { limits: { bulkSyncLimit: 3 }, jobs: { batchSize: 2, leaseMs: 60_000 } };
    const first = createServices({ db, clock, ...options });
    const ids = await insertManyProfiles(db, s.workspaceId, 7);
    const tag = await first.tags.create(s.workspaceId, { name: 'resumed' });
    const out = await first.tags.changeProfiles({ workspaceId: s.workspaceId, tagId: tag.id, op: 'add', profileIds: ids });
    assert.ok('job' in out);
    const jobId = out.job.id;
    await first.jobs.runOne({ maxBatches: 2 }); // then the process "dies"
    const mid = (await s.call('GET', `/v1/jobs/${jobId}`)).body;
    assert.equal(mid.status, 'running');
    assert.deepEqual(mid.progress, { processed: 4, total: 7 });

    const second = createServices({ db, clock, ...options });
    assert.equal(await second.jobs.runOne(), false, 'the lease still holds');
    clock.advance(61_000);
    assert.equal(await second.jobs.runOne(), true);
    const done = (await s.call('GET', `/v1/jobs/${jobId}`)).body;
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.counts, { changed: 7, unchanged: 0, invalid: 0 });
    assert.equal((await tagChanges('resumed')).length, 7);
  });

  test('a job whose tag is deleted meanwhile fails with the reason', async () => {
    const { db } = s.services;
    const clock = s.clock;
    const svc = createServices({ db, clock, limits: { bulkSyncLimit: 1 }, jobs: { batchSize: 1 } });
    const tag = await svc.tags.create(s.workspaceId, { name: 'gone' });
    const out = await svc.tags.changeProfiles({ workspaceId: s.workspaceId, tagId: tag.id, op: 'add', profileIds: profiles });
    assert.ok('job' in out);
    await svc.jobs.runOne({ maxBatches: 1 });
    await svc.tags.delete(s.workspaceId, tag.id);
    clock.advance(61_000);
    await svc.jobs.runOne();
    const job = (await s.call('GET', `/v1/jobs/${out.job.id}`)).body;
    assert.equal(job.status, 'failed');
    assert.match(job.error, /tag .* not found/);
  });

  test('a rule matching more profiles than the request limit is snapshotted into a job', async () => {
    const { db } = s.services;
    const svc = createServices({ db, clock: s.clock, limits: { bulkSyncLimit: 2 }, jobs: { batchSize: 2 } });
    const tag = await svc.tags.create(s.workspaceId, { name: 'x.io people' });
    const out = await svc.tags.changeProfiles({
      workspaceId: s.workspaceId, tagId: tag.id, op: 'add', timezone: 'UTC', rule: { attribute: 'email', op: 'ends_with', value: '@x.io' },
    });
    assert.ok('job' in out);
    assert.equal(out.job.total, 3);
    await svc.jobs.runOne();
    const job = (await s.call('GET', `/v1/jobs/${out.job.id}`)).body;
    assert.equal(job.status, 'succeeded');
    assert.deepEqual(job.counts, { changed: 3, unchanged: 0, invalid: 0 });
    assert.equal((await s.call('GET', `/v1/tags/${tag.id}`)).body.profile_count, 3);
    assert.equal((await db.query('SELECT 1 FROM job_items WHERE job_id = $1', [out.job.id])).length, 0, 'a finished job keeps no items');
    const small = await s.call('DELETE', `/v1/tags/${tag.id}/profiles`, { rule: { attribute: 'email', op: 'is', value: 'a@x.io' } });
    assert.deepEqual(small.body, { changed: 1, unchanged: 0, invalid: 0 });
  });

  test("another workspace's key never sees these tags or jobs", async () => {
    const tag = (await s.call('POST', '/v1/tags', { name: 'mine' })).body;
    const other = await s.services.workspaces.create({ name: 'Other' });
    const opts = { key: other.apiKey };
    assert.equal((await s.call('GET', `/v1/tags/${tag.id}`, undefined, opts)).status, 404);
    assert.equal((await s.call('DELETE', `/v1/tags/${tag.id}`, undefined, opts)).status, 404);
    assert.equal((await s.call('POST', `/v1/tags/${tag.id}/profiles`, { profile_ids: [profiles[0]] }, opts)).status, 404);
    assert.deepEqual((await s.call('GET', '/v1/tags', undefined, opts)).body.data, []);
    const [job] = await s.services.db.query<{ id: string }>('SELECT id FROM jobs WHERE workspace_id = $1 LIMIT 1', [s.workspaceId]);
    assert.equal((await s.call('GET', `/v1/jobs/${job!.id}`, undefined, opts)).status, 404);
  });
});
