/**
 * The worker vacuums its queues itself (worker.ts, noteClaims): every `vacuumAfter` claimed change
 * records or due profiles, once, beside its steps; membership comes out the same.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Db } from '../src/db/db.ts';
import { MembershipWorker } from '../src/membership/worker.ts';
import { at, DAY, membershipFixture, openStore, type Store } from './membership-fixture.ts';
import { forEachStore } from './stores.ts';

const T0 = '2026-03-15T12:00:00.000Z';

/** The same Db, recording the VACUUM statements it runs. */
function spy(db: Db, seen: string[]): Db {
  return {
    dialect: db.dialect,
    query: (sql, params) => {
      if (/^\s*VACUUM/i.test(sql)) seen.push(sql.trim());
      return db.query(sql, params);
    },
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  };
}

forEachStore('membership queue vacuum', (kind) => {
  let store: Store;
  before(async () => {
    store = await openStore(kind);
  });
  after(async () => {
    await store.drop();
  });

  test('a queue is vacuumed once its claims reach vacuumAfter, not before', async () => {
    const f = await membershipFixture(store, { now: T0 });
    const seen: string[] = [];
    const worker = new MembershipWorker({ db: spy(f.db, seen), clock: f.clock, options: { vacuumAfter: 6 } });
    const seg = await f.segment('recent buyers', { event: 'purchase', time: { op: 'within_last', amount: 1, unit: 'day' } });
    await worker.drain({ now: f.clock.now() });
    // Each new profile's event leaves change records ('created', 'identity', 'event', ...): 2 users are
    // fewer than 6, 5 users more.
    await f.track('u1', 'purchase', at(T0, -1000));
    await f.track('u2', 'purchase', at(T0, -1000));
    const r1 = await worker.drain({ now: f.clock.now() });
    assert.ok(r1.changes > 0 && r1.changes < 6, `claimed ${r1.changes}`);
    assert.deepEqual(seen, []);
    for (const u of ['u3', 'u4', 'u5']) await f.track(u, 'purchase', at(T0, -1000));
    await worker.drain({ now: f.clock.now() });
    assert.deepEqual(seen, ['VACUUM profile_changes']);
    const [left] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM profile_changes WHERE workspace_id = $1', [f.workspaceId]);
    assert.equal(left!.n, 0);
    assert.deepEqual((await f.members(seg)).sort(), ['u1', 'u2', 'u3', 'u4', 'u5']);
    // The window closes for all five: five due profiles claimed, which is under 6.
    f.clock.set(at(T0, DAY));
    const r2 = await worker.drain({ now: f.clock.now() });
    assert.equal(r2.due, 5);
    assert.deepEqual(await f.members(seg), []);
    assert.deepEqual(seen, ['VACUUM profile_changes']);
    await worker.stop();
    await f.close();
  });
});
