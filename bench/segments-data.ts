/**
 * The segments bench's dataset, generated inside the database with INSERT ... SELECT FROM
 * generate_series (no rows cross the wire, so it is as fast as COPY and runs unchanged on PGlite).
 * Deterministic: every random draw is a seeded counter-based PRNG, hashint8extended(row, seed·64 + k)
 * scaled to [0, 1); PostgreSQL and PGlite compute the same hash, so both get the same data.
 */
import type { Db, Queryable } from '../src/db/db.ts';

export interface DatasetSpec {
  readonly seed: number;
  readonly profiles: number;
  readonly events: number;
  /** The bench's `now`: events fall in the 365 days before it. */
  readonly now: string;
}

export const WORKSPACE_ID = '01900000-0000-7000-8000-00000000b001';
const BATCH = 250_000;

/** Skewed: earlier cities are more likely (index ~ n·r²). Several start with "Lo". */
const CITIES = [
  'London', 'Paris', 'Berlin', 'Madrid', 'Los Angeles', 'Rome', 'Lisbon', 'Amsterdam', 'Lyon', 'Vienna',
  'Lodz', 'Munich', 'Milan', 'Prague', 'Long Beach', 'Dublin', 'Warsaw', 'Brussels', 'Lome', 'Oslo',
  'Stockholm', 'Copenhagen', 'Helsinki', 'Athens', 'Zurich', 'Geneva', 'Barcelona', 'Porto', 'Lorient', 'Krakow',
];
const FIRST = ['Ann', 'Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal', 'Ida', 'Jo', 'Kim', 'Lu', 'Max', 'Ned', 'Ola', 'Pia'];
const LAST = ['Smith', 'Jones', 'Brown', 'Taylor', 'Wilson', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright'];
export const TAGS = ['newsletter', 'beta', 'vip', 'churn_risk', 'b2b', 'student', 'loyal', 'promo', 'referral', 'gift',
  'family', 'pro', 'trial', 'winback', 'early', 'local', 'abroad', 'app_only', 'web_only', 'staff'];
/** ~15 event names with their share of events, in percent. */
const EVENT_WEIGHTS: Record<string, number> = {
  page_view: 22, screen_view: 15, app_launch: 12, product_view: 12, search: 7, add_to_cart: 6, session_start: 5,
  purchase: 4, email_open: 4, email_click: 3, push_open: 3, checkout_started: 2, wishlist_add: 2, support_ticket: 2, refund: 1,
};
const BUYING_EVENTS = ['purchase', 'checkout_started', 'refund'];
/** 100 slots, each name repeated by its weight: a uniform draw picks a name with its share. */
const EVENT_SLOTS = Object.entries(EVENT_WEIGHTS).flatMap(([name, w]) => Array<string>(w).fill(name));

/** A uniform draw in [0, 1) for row expression `row` and stream `k` (bind $seed as the first parameter). */
const rnd = (row: string, k: number) => `((hashint8extended(${row}, $1::int8 * 64 + ${k}) & 140737488355327)::float8 / 140737488355328)`;
/** The profile id of profile number n: time-ordered like uuid v7, so profile ids sort by n. */
const profileId = (n: string) => `('01900000-0000-7000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;

export const specKey = (s: DatasetSpec): string => `v2 seed=${s.seed} profiles=${s.profiles} events=${s.events} now=${s.now}`;

/** The dataset marker: what the database holds, or undefined when it holds no complete dataset. */
export async function datasetMarker(db: Queryable): Promise<string | undefined> {
  const [t] = await db.query<{ t: string | null }>(`SELECT to_regclass('bench_dataset')::text AS t`);
  if (!t?.t) return undefined;
  const [row] = await db.query<{ spec: string }>('SELECT spec FROM bench_dataset');
  return row?.spec;
}

/** Fills a freshly migrated database; prints progress. The marker is written last, so a crash leaves none. */
export async function generateDataset(db: Db, spec: DatasetSpec, log: (s: string) => void): Promise<void> {
  const now = new Date(spec.now);
  const t0 = performance.now();
  const step = async (label: string, run: () => Promise<unknown>) => {
    const t = performance.now();
    await run();
    log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  await db.query('INSERT INTO workspaces (id, name, timezone, created_at) VALUES ($1, $2, $3, $4)', [WORKSPACE_ID, 'Bench', 'UTC', now]);
  const tagIds = TAGS.map((_, i) => `01900000-0000-7000-8000-00000000a${String(i).padStart(3, '0')}`);
  await db.query(
    'INSERT INTO tags (id, workspace_id, name, created_at) SELECT id, $1, name, $4 FROM unnest($2::uuid[], $3::text[]) AS t(id, name)',
    [WORKSPACE_ID, tagIds, TAGS, now],
  );
  // The events indexes (whatever the migrations made them) are built once after the load: much faster
  // than maintaining them row by row.
  const indexes = await db.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'events' AND indexname <> 'events_pkey'`);
  await db.query('ALTER TABLE events DROP CONSTRAINT events_pkey');
  for (const i of indexes) await db.query(`DROP INDEX ${i.name}`);

  for (let lo = 1; lo <= spec.profiles; lo += BATCH) {
    const hi = Math.min(spec.profiles, lo + BATCH - 1);
    await step(`profiles ${lo.toLocaleString('en-US')}–${hi.toLocaleString('en-US')}`, () => db.query(
      `INSERT INTO profiles (workspace_id, profile_id, external_id, attributes, created_at, updated_at)
       SELECT $2::uuid, ${profileId('g.i')}, 'u' || g.i,
         jsonb_build_object(
           'email', 'user' || g.i || '@example.com',
           'first_name', ($5::text[])[1 + floor(${rnd('g.i', 1)} * $8)::int],
           'last_name', ($6::text[])[1 + floor(${rnd('g.i', 2)} * $9)::int],
           'city', ($7::text[])[1 + floor(power(${rnd('g.i', 3)}, 2) * $10)::int],
           'birthdate', to_char(date '1950-01-01' + floor(${rnd('g.i', 4)} * 21184)::int, 'YYYY-MM-DD')),
         $11::timestamptz, $11::timestamptz
       FROM generate_series($3::int8, $4::int8) AS g(i)`,
      [spec.seed, WORKSPACE_ID, lo, hi, FIRST, LAST, CITIES, FIRST.length, LAST.length, CITIES.length, now],
    ));
    // 0–3 tags each, skewed towards the first tags.
    await db.query(
      `INSERT INTO profile_tags (workspace_id, profile_id, tag_id, added_at)
       SELECT DISTINCT $2::uuid, ${profileId('g.i')}, ($5::uuid[])[1 + floor(power(${rnd('g.i * 4 + j', 6)}, 1.5) * 20)::int], $6::timestamptz
       FROM generate_series($3::int8, $4::int8) AS g(i), generate_series(1, 3) AS j
       WHERE j <= floor(${rnd('g.i', 5)} * 4)`,
      [spec.seed, WORKSPACE_ID, lo, hi, tagIds, now],
    );
  }
  for (let lo = 1; lo <= spec.events; lo += BATCH * 4) {
    const hi = Math.min(spec.events, lo + BATCH * 4 - 1);
    // The profile of an event is skewed (n ~ N·r^1.5): a few heavy profiles, a long tail of light ones.
    // Buying events come from the first 5% of profiles only (the buyers), so that "3 purchases in the
    // last 30 days" holds for a realistic few thousand profiles rather than a handful.
    await step(`events ${lo.toLocaleString('en-US')}–${hi.toLocaleString('en-US')}`, () => db.query(
      `INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, received_at)
       SELECT $2::uuid, ${profileId(`1 + floor(power(${rnd('g.i', 20)}, 1.5) * $5 * CASE WHEN x.name = ANY($8::text[]) THEN 0.05 ELSE 1 END)::int8`)},
         'e' || g.i, x.name, x.ts, jsonb_build_object('amount', round((${rnd('g.i', 23)} * 200)::numeric, 2)), x.ts
       FROM generate_series($3::int8, $4::int8) AS g(i),
         LATERAL (SELECT ($6::text[])[1 + floor(${rnd('g.i', 21)} * 100)::int] AS name, $7::timestamptz - ${rnd('g.i', 22)} * interval '365 days' AS ts) x`,
      [spec.seed, WORKSPACE_ID, lo, hi, spec.profiles, EVENT_SLOTS, now, BUYING_EVENTS],
    ));
  }
  await step('events indexes', () => db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.query("SET LOCAL maintenance_work_mem = '1GB'");
    await tx.query('ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (workspace_id, profile_id, message_id)');
    for (const i of indexes) await tx.query(i.def);
  }));
  // As autovacuum would leave it: statistics, and the visibility map that index-only scans need.
  await step('vacuum analyze', () => db.query('VACUUM ANALYZE'));
  await db.query('CREATE TABLE bench_dataset (spec text NOT NULL)');
  await db.query('INSERT INTO bench_dataset (spec) VALUES ($1)', [specKey(spec)]);
  log(`  dataset ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
