/**
 * A membership worker in its own process, for the two-process test: runs against DATABASE_URL with the
 * system clock until SIGTERM, then prints what it did as one JSON line.
 */
import { openDb } from '../src/db/open.ts';
import { MembershipWorker } from '../src/membership/worker.ts';
import { systemClock } from '../src/shared/clock.ts';

const db = await openDb({ kind: 'postgres', url: process.env.DATABASE_URL!, poolSize: 3 });
const worker = new MembershipWorker({ db, clock: systemClock, options: { changeBatch: 50, dueBatch: 50, pageSize: 100, deleteChunk: 7 } });
const sum = { steps: 0, changes: 0, due: 0, transitions: 0, busy: 0 };
let stopped = false;
process.once('SIGTERM', () => {
  stopped = true;
});
console.log('ready');
while (!stopped) {
  // As main.ts runs it: a failed step (a transaction that lost a race with a definition change) is
  // logged and the next one retries; it committed nothing.
  const r = await worker.runOnce().catch((err: unknown) => {
    console.error('membership step failed; retrying:', err);
    return { more: true, changes: 0, due: 0, transitions: 0, busy: 0 };
  });
  sum.steps++;
  sum.changes += r.changes;
  sum.due += r.due;
  sum.transitions += r.transitions;
  sum.busy += r.busy;
  if (!r.more) await new Promise((resolve) => setTimeout(resolve, 10));
}
await db.close();
console.log(JSON.stringify(sum));
