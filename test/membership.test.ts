/**
 * Real-time membership on both stores, deterministic: a ManualClock and the worker run by hand.
 * Each test uses its own workspace in one database per store.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MembershipWorker } from '../src/membership/worker.ts';
import { at, DAY, membershipFixture, openStore, type Fixture, type Store } from './membership-fixture.ts';
import { forEachStore } from './stores.ts';

const T0 = '2026-03-15T12:00:00.000Z';

forEachStore('membership worker', (kind) => {
  let store: Store;
  let fx: Fixture | undefined;
  const fresh = async (opts: { timezone?: string; now?: string } = {}) => {
    await fx?.close();
    fx = await membershipFixture(store, { now: opts.now ?? T0, timezone: opts.timezone });
    return fx;
  };
  before(async () => {
    store = await openStore(kind);
  });
  after(async () => {
    await fx?.close();
    await store.drop();
  });

  test('an event enters the profile; within_last exits it exactly at ts + n', async () => {
    const f = await fresh();
    const seg = await f.segment('recent buyers', { event: 'purchase', time: { op: 'within_last', amount: 30, unit: 'day' } });
    await f.drain();
    assert.deepEqual(await f.members(seg), []);

    const ts = at(T0, -DAY); // bought yesterday
    await f.track('u1', 'purchase', ts);
    await f.drain();
    assert.deepEqual(await f.members(seg), ['u1']);
    assert.deepEqual((await f.transitions({ segment: seg })).map((t) => [t.user, t.kind, t.cause]), [['u1', 'enter', 'event']]);
    assert.equal(await f.memberCount(seg), 1);
    // Due no later than the first instant outside the window (the bound is inclusive); nextChange may
    // offer the edge itself too (a lower bound), which costs one evaluation that changes nothing.
    const due = (await f.dueAt('u1'))!.getTime();
    assert.ok(due > Date.parse(T0) && due <= Date.parse(at(ts, 30 * DAY + 1)), `due ${new Date(due).toISOString()}`);

    f.clock.set(at(ts, 30 * DAY)); // still inside: ts >= now - 30 days
    await f.drain();
    assert.deepEqual(await f.members(seg), ['u1']);
    f.clock.set(at(ts, 30 * DAY + 1));
    await f.drain();
    assert.deepEqual(await f.members(seg), []);
    const last = (await f.transitions({ segment: seg })).at(-1)!;
    assert.deepEqual([last.user, last.kind, last.cause, last.at], ['u1', 'exit', 'time', at(ts, 30 * DAY + 1)]);
    assert.equal(await f.dueAt('u1'), undefined);
    assert.equal(await f.memberCount(seg), 0);
    assert.deepEqual(await f.drift(), []);
  });

  test('before_last enters the profile later, on its own', async () => {
    const f = await fresh();
    const seg = await f.segment('lapsed', { event: 'signup', time: { op: 'before_last', amount: 7, unit: 'day' } });
    const ts = at(T0, -2 * DAY);
    await f.track('u1', 'signup', ts);
    await f.drain();
    assert.deepEqual(await f.members(seg), []);
    f.clock.set(at(ts, 7 * DAY));
    await f.drain();
    assert.deepEqual(await f.members(seg), []);
    f.clock.set(at(ts, 7 * DAY + 1));
    await f.drain();
    assert.deepEqual(await f.members(seg), ['u1']);
    assert.deepEqual((await f.transitions({ segment: seg })).map((t) => [t.user, t.kind, t.cause]), [['u1', 'enter', 'time']]);
    assert.deepEqual(await f.drift(), []);
  });

  test('age and birthdays roll at midnight in the workspace zone', async () => {
    // New York is UTC-4 in mid-March 2026, so local midnight of the 16th is 04:00Z.
    const f = await fresh({ timezone: 'America/New_York' });
    const adults = await f.segment('adults', { attribute: 'age', op: 'gte', value: 18 });
    const birthday = await f.segment('birthday today', { attribute: 'birthdate', op: 'anniversary_within', amount: 0, unit: 'day' });
    await f.identify('u1', { birthdate: '2008-03-16' });
    await f.drain();
    assert.deepEqual(await f.members(adults), []);
    assert.deepEqual(await f.members(birthday), []);
    f.clock.set('2026-03-16T03:59:59.999Z');
    await f.drain();
    assert.deepEqual(await f.members(adults), []);
    f.clock.set('2026-03-16T04:00:00.000Z');
    await f.drain();
    assert.deepEqual(await f.members(adults), ['u1']);
    assert.deepEqual(await f.members(birthday), ['u1']);
    f.clock.set('2026-03-17T03:59:59.999Z');
    await f.drain();
    assert.deepEqual(await f.members(birthday), ['u1']);
    f.clock.set('2026-03-17T04:00:00.000Z');
    await f.drain();
    assert.deepEqual(await f.members(birthday), []);
    assert.deepEqual(await f.members(adults), ['u1']);
    assert.deepEqual((await f.transitions({ segment: birthday })).map((t) => [t.kind, t.cause, t.at]), [
      ['enter', 'time', '2026-03-16T04:00:00.000Z'], ['exit', 'time', '2026-03-17T04:00:00.000Z'],
    ]);
    assert.deepEqual(await f.drift(), []);
  });

  test('tags, lists and consent move profiles in and out', async () => {
    const f = await fresh();
    const vip = await f.segment('vip', { tag: 'vip' });
    const news = await f.segment('newsletter', { all: [{ list: 'newsletter' }, { consent: 'email', status: 'subscribed' }] });
    const u1 = await f.identify('u1', { city: 'London' });
    const u2 = await f.identify('u2', { city: 'Paris' });
    const tag = await f.services.tags.create(f.workspaceId, { name: 'vip' });
    const list = await f.services.lists.create(f.workspaceId, { name: 'newsletter' });
    await f.drain();
    const mark = await f.lastTransitionId();

    // One drain per write, so each transition's cause is the write's kind.
    await f.services.tags.changeProfiles({ workspaceId: f.workspaceId, tagId: tag.id, op: 'add', profileIds: [u1, u2] });
    await f.drain();
    await f.services.lists.changeMembers({ workspaceId: f.workspaceId, listId: list.id, op: 'add', profileIds: [u1, u2] });
    await f.drain();
    await f.services.consent.set({ workspaceId: f.workspaceId, profileId: u1, changes: [{ channel: 'email', status: 'subscribed' }], actor: { kind: 'system' } });
    await f.drain();
    assert.deepEqual(await f.members(vip), ['u1', 'u2']);
    assert.deepEqual(await f.members(news), ['u1']);

    await f.services.tags.changeProfiles({ workspaceId: f.workspaceId, tagId: tag.id, op: 'remove', profileIds: [u2] });
    await f.drain();
    await f.services.lists.changeMembers({ workspaceId: f.workspaceId, listId: list.id, op: 'remove', profileIds: [u1] });
    await f.drain();
    assert.deepEqual(await f.members(vip), ['u1']);
    assert.deepEqual(await f.members(news), []);
    const moves = (await f.transitions({ after: mark })).map((t) => [t.user, t.segment === vip ? 'vip' : 'news', t.kind, t.cause]);
    assert.deepEqual(moves.slice(0, 2).sort(), [['u1', 'vip', 'enter', 'tags'], ['u2', 'vip', 'enter', 'tags']]);
    assert.deepEqual(moves.slice(2), [['u1', 'news', 'enter', 'consent'], ['u2', 'vip', 'exit', 'tags'], ['u1', 'news', 'exit', 'lists']]);
    assert.equal(await f.memberCount(vip), 1);
    assert.deepEqual(await f.drift(), []);
  });

  test('a Do-Not-Contact entry on the email moves the profile; an entry for every channel counts too', async () => {
    const f = await fresh();
    const reachable = await f.segment('email reachable', { not: { dnc: 'email' } });
    await f.identify('u1', { email: 'Ann@Example.com' });
    await f.identify('u2', { email: 'bo@example.com' });
    await f.drain();
    assert.deepEqual(await f.members(reachable), ['u1', 'u2']);
    await f.services.dnc.addOne(f.workspaceId, { contact: 'ann@example.com', channel: 'email' });
    await f.services.dnc.addOne(f.workspaceId, { contact: 'BO@example.com' });
    await f.drain();
    assert.deepEqual(await f.members(reachable), []);
    assert.deepEqual((await f.transitions({ segment: reachable })).slice(2).map((t) => [t.user, t.kind, t.cause]), [['u1', 'exit', 'dnc'], ['u2', 'exit', 'dnc']]);
    assert.deepEqual(await f.drift(), []);
  });

  test('a change in a referenced segment propagates to the segments that reference it', async () => {
    const f = await fresh();
    const buyers = await f.segment('buyers', { event: 'purchase' });
    const vipBuyers = await f.segment('vip buyers', { all: [{ segment: buyers }, { tag: 'vip' }] });
    const others = await f.segment('not vip buyers', { not: { segment: vipBuyers } });
    const tag = await f.services.tags.create(f.workspaceId, { name: 'vip' });
    const u1 = await f.identify('u1', {});
    await f.services.tags.changeProfiles({ workspaceId: f.workspaceId, tagId: tag.id, op: 'add', profileIds: [u1] });
    await f.drain();
    assert.deepEqual([await f.members(buyers), await f.members(vipBuyers), await f.members(others)], [[], [], ['u1']]);
    const mark = await f.lastTransitionId();

    await f.track('u1', 'purchase', at(T0, -1000));
    await f.drain();
    assert.deepEqual([await f.members(buyers), await f.members(vipBuyers), await f.members(others)], [['u1'], ['u1'], []]);
    const name = new Map([[buyers, 'buyers'], [vipBuyers, 'vip buyers'], [others, 'not vip buyers']]);
    assert.deepEqual((await f.transitions({ after: mark })).filter((t) => name.has(t.segment)).map((t) => [name.get(t.segment), t.kind, t.cause]), [
      ['buyers', 'enter', 'event'], ['vip buyers', 'enter', 'event'], ['not vip buyers', 'exit', 'event'],
    ]);
    assert.deepEqual(await f.drift(), []);
  });

  test('erasing a profile takes it out of every segment', async () => {
    const f = await fresh();
    const recent = await f.segment('recent', { event: 'purchase', time: { op: 'within_last', amount: 7, unit: 'day' } });
    const londoners = await f.segment('londoners', { attribute: 'city', op: 'is', value: 'London' });
    await f.identify('u1', { city: 'London' });
    const u1 = await f.track('u1', 'purchase', at(T0, -1000));
    await f.identify('u2', { city: 'London' });
    await f.drain();
    assert.deepEqual(await f.members(londoners), ['u1', 'u2']);
    const mark = await f.lastTransitionId();
    await f.services.profiles.erase({ workspaceId: f.workspaceId, id: u1 });
    await f.drain();
    assert.deepEqual(await f.members(recent), []);
    assert.deepEqual(await f.members(londoners), ['u2']);
    const exits = (await f.transitions({ after: mark })).filter((t) => t.segment === recent || t.segment === londoners);
    assert.deepEqual(exits.map((t) => [t.user, t.kind, t.cause]).sort(), [['u1', 'exit', 'erase'], ['u1', 'exit', 'erase']]);
    assert.equal(await f.memberCount(londoners), 1);
    assert.equal((await f.db.query('SELECT 1 FROM membership_due WHERE profile_id = $1', [u1])).length, 0);
    assert.deepEqual(await f.drift(), []);
  });

  test('a new segment is backfilled over existing data, and its time windows then expire on their own', async () => {
    const f = await fresh();
    await f.track('u1', 'purchase', at(T0, -DAY));
    await f.track('u2', 'purchase', at(T0, -5 * DAY));
    await f.drain();
    const seg = await f.segment('bought in the last 2 days', { event: 'purchase', time: { op: 'within_last', amount: 2, unit: 'day' } });
    await f.drain();
    assert.deepEqual(await f.members(seg), ['u1']);
    assert.deepEqual((await f.transitions({ segment: seg })).map((t) => [t.user, t.kind, t.cause]), [['u1', 'enter', 'backfill']]);
    const [build] = await f.db.query<{ built_version: number; phase: string | null }>('SELECT built_version, phase FROM segment_builds WHERE segment_id = $1', [seg]);
    assert.deepEqual(build, { built_version: 1, phase: null });
    f.clock.set(at(T0, DAY + 1)); // u1's purchase leaves the window
    await f.drain();
    assert.deepEqual(await f.members(seg), []);
    assert.deepEqual((await f.transitions({ segment: seg })).map((t) => [t.user, t.kind, t.cause]), [['u1', 'enter', 'backfill'], ['u1', 'exit', 'time']]);
    assert.deepEqual(await f.drift(), []);
  });

  test('editing a segment rebuilds it and the segments referencing it, with no double transition', async () => {
    const f = await fresh();
    for (const [u, city] of [['u1', 'London'], ['u2', 'Paris'], ['u3', 'London']] as const) await f.identify(u, { city });
    const seg = await f.segment('city', { attribute: 'city', op: 'is', value: 'London' });
    const ref = await f.segment('city, again', { segment: seg });
    await f.drain();
    assert.deepEqual(await f.members(seg), ['u1', 'u3']);
    await f.edit(seg, { attribute: 'city', op: 'is', value: 'Paris' });
    await f.identify('u3', { city: 'Paris' }); // waiting while the edit is built: u3 stays in, no transition
    await f.drain();
    await f.drain();
    for (const s of [seg, ref]) {
      assert.deepEqual(await f.members(s), ['u2', 'u3']);
      const moves = (await f.transitions({ segment: s })).map((t) => `${t.user} ${t.kind}`);
      assert.deepEqual(moves.sort(), ['u1 enter', 'u1 exit', 'u2 enter', 'u3 enter']);
      assert.equal(await f.memberCount(s), 2);
    }
    const builds = await f.db.query<{ segment_id: string; built_version: number }>('SELECT segment_id, built_version FROM segment_builds WHERE segment_id = ANY($1::uuid[]) ORDER BY built_version', [[seg, ref]]);
    assert.deepEqual(builds.map((b) => b.built_version), [1, 2]);
    assert.deepEqual(await f.drift(), []);
  });

  test('changes that arrive while a segment builds page by page are neither lost nor doubled', async () => {
    const f = await fresh();
    const users = Array.from({ length: 9 }, (_, i) => `u${i}`);
    for (const u of users) await f.identify(u, { plan: 'free' });
    await f.drain();
    const worker = new MembershipWorker({ db: f.db, clock: f.clock, options: { pageSize: 2 } });
    const seg = await f.segment('free', { attribute: 'plan', op: 'is', value: 'free' });
    await worker.runOnce({ now: f.clock.now() }); // starts the build, first page
    await f.identify('u0', { plan: 'paid' }); // in a page already built
    await f.identify('u8', { plan: 'paid' }); // in a page still to come (or not: ids are random)
    await f.identify('u9', { plan: 'free' }); // a new profile
    while ((await worker.runOnce({ now: f.clock.now() })).more);
    await f.drain();
    assert.deepEqual(await f.members(seg), users.slice(1, 8).concat('u9').sort());
    const enters = (await f.transitions({ segment: seg })).filter((t) => t.kind === 'enter').map((t) => t.user);
    assert.equal(new Set(enters).size, enters.length, `double enter: ${enters.join(' ')}`);
    assert.deepEqual(await f.drift(), []);
  });

  test('a restarted worker handles the due instants that passed while it was down', async () => {
    const f = await fresh();
    const seg = await f.segment('recent', { event: 'open', time: { op: 'within_last', amount: 1, unit: 'hour' } });
    await f.track('u1', 'open', T0);
    await f.track('u2', 'open', at(T0, -30 * 60_000));
    await f.drain();
    assert.deepEqual(await f.members(seg), ['u1', 'u2']);
    await f.worker.stop();
    f.clock.set(at(T0, 3 * 3_600_000)); // down for three hours
    const restarted = new MembershipWorker({ db: f.db, clock: f.clock });
    await restarted.drain({ now: f.clock.now() });
    assert.deepEqual(await f.members(seg), []);
    assert.deepEqual((await f.transitions({ segment: seg })).filter((t) => t.kind === 'exit').map((t) => [t.user, t.cause]).sort(), [['u1', 'time'], ['u2', 'time']]);
    assert.deepEqual(await f.drift(), []);
  });

  test('deleting a segment exits its members in chunks, resumed by another process or after a restart', async () => {
    const f = await fresh();
    const londoners = await f.segment('londoners', { attribute: 'city', op: 'is', value: 'London' });
    const parisians = await f.segment('parisians', { attribute: 'city', op: 'is', value: 'Paris' });
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    for (const u of users) await f.identify(u, { city: 'London' });
    await f.identify('u6', { city: 'Paris' });
    await f.drain();
    assert.deepEqual(await f.members(londoners), users);
    const mark = await f.lastTransitionId();

    f.clock.set(at(T0, 60_000));
    await f.services.segments.delete({ workspaceId: f.workspaceId, timezone: f.timezone }, londoners);
    // The request wrote no transition and left the rows: that is the worker's job.
    assert.equal(await f.lastTransitionId(), mark);
    assert.deepEqual(await f.members(londoners), users);

    // Two chunks by two processes (each its own definitions cache), then the rest by a restarted one.
    const worker = () => new MembershipWorker({ db: f.db, clock: f.clock, options: { deleteChunk: 2 } });
    const exits = async () => (await f.transitions({ after: mark })).map((t) => [t.user, t.segment, t.kind, t.cause, t.at].join(' '));
    const row = (u: string) => `${u} ${londoners} exit deleted ${at(T0, 60_000)}`;
    assert.equal((await worker().runOnce({ now: f.clock.now() })).more, true);
    assert.deepEqual(await exits(), users.slice(0, 2).map(row));
    await worker().runOnce({ now: f.clock.now() });
    assert.deepEqual(await exits(), users.slice(0, 4).map(row));
    assert.deepEqual(await f.members(londoners), ['u5']);
    await worker().drain({ now: f.clock.now() });
    await f.drain();
    assert.deepEqual(await exits(), users.map(row), 'every member exits once, in profile order, with cause deleted');
    assert.deepEqual(await f.members(londoners), []);
    assert.deepEqual(await f.members(parisians), ['u6']);
    const [deletion] = await f.db.query<{ finished_at: Date | null }>('SELECT finished_at FROM segment_deletions WHERE segment_id = $1', [londoners]);
    assert.equal(deletion!.finished_at?.toISOString(), at(T0, 60_000));
    assert.deepEqual(await f.drift(), []);

    // A member row left behind by a finished deletion is drift.
    await f.db.query('INSERT INTO segment_members (workspace_id, profile_id, segment_id, entered_at) VALUES ($1, $2, $3, $4)', [f.workspaceId, await f.profileId('u1'), londoners, f.clock.now()]);
    const drift = (await f.drift()) as { segmentId: string; extra: string[]; deleted?: boolean }[];
    assert.deepEqual(drift.map((d) => [d.segmentId, d.extra, d.deleted]), [[londoners, [await f.profileId('u1')], true]]);
    await f.db.query('DELETE FROM segment_members WHERE segment_id = $1', [londoners]);
  });

  test('verify reports drift: missing and extra members', async () => {
    const f = await fresh();
    const seg = await f.segment('londoners', { attribute: 'city', op: 'is', value: 'London' });
    const u1 = await f.identify('u1', { city: 'London' });
    const u2 = await f.identify('u2', { city: 'Paris' });
    await f.drain();
    assert.deepEqual(await f.drift(), []);
    await f.db.query('DELETE FROM segment_members WHERE segment_id = $1', [seg]);
    await f.db.query('INSERT INTO segment_members (workspace_id, profile_id, segment_id, entered_at) VALUES ($1, $2, $3, $4)', [f.workspaceId, u2, seg, f.clock.now()]);
    const drift = (await f.drift()) as { segmentId: string; missing: string[]; extra: string[]; countMismatch?: number }[];
    assert.equal(drift.length, 1);
    assert.deepEqual([drift[0]!.segmentId, drift[0]!.missing, drift[0]!.extra], [seg, [u1], [u2]]);
  });
});
