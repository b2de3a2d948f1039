import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createServices } from '../src/services.ts';
import { makeXlsx, makeZip, upload } from './files.ts';
import { startServer, type TestServer } from './http.ts';
import { CRM_EXPORT, CRM_OVERRIDES, CRM_PROFILES, CRM_REJECTED, longExport } from './imports-fixture.ts';
import { forEachStore } from './stores.ts';

forEachStore('profile imports over HTTP', (kind) => {
  let s: TestServer;
  before(async () => {
    s = await startServer(kind, { timezone: 'Europe/London', imports: { batchSize: 3 } });
  });
  after(() => s.close());

  const send = (file: { name: string; data: Buffer | string }, fields?: Record<string, string>) => upload({ url: `${s.url}/v1/imports`, key: s.apiKey, file, fields });
  /** Runs the import's worker until it has nothing left (what the server's loop does in the background). */
  const work = async () => {
    while (await s.services.imports.worker.runOne());
  };
  /** The suggestion with the user's overrides: what the console sends after the mapping step. */
  const mappingFrom = (analysis: any, overrides: Record<string, string>) =>
    Object.fromEntries(analysis.columns.map((c: any) => [c.name, overrides[c.name] ?? c.suggestion.target]));
  const profileByExternalId = async (id: string) => {
    const [row] = await s.services.db.query<{ profile_id: string }>('SELECT profile_id FROM profiles WHERE workspace_id = $1 AND external_id = $2', [s.workspaceId, id]);
    return (await s.call('GET', `/v1/profiles/${row!.profile_id}`)).body;
  };

  test('a CRM export: analysed, run with a mapping, broken rows back with reasons', async () => {
    // Segments that exist before the import: real-time membership must see the imported profiles.
    const vip = await s.call('POST', '/v1/segments', { name: 'VIP in London', rule: { all: [{ tag: 'VIP' }, { attribute: 'city', op: 'is', value: 'London' }] } });
    assert.equal(vip.status, 201, JSON.stringify(vip.body));
    await s.services.membership.drain();
    const up = await send({ name: 'crm export.csv', data: CRM_EXPORT });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const a = up.body.analysis;
    assert.equal(up.body.status, 'ready');
    assert.deepEqual([a.encoding, a.delimiter, a.header_row, a.rows, a.blank_rows, a.broken_rows], ['utf-8-bom', ',', 1, 9, 1, 1]);
    assert.equal(a.preview.length, 9);
    assert.deepEqual(a.preview[0].cells.slice(-1), ['Prefers email,\r\ncalls on Fridays']);
    const col = (name: string) => a.columns.find((c: any) => c.name === name);
    assert.deepEqual(col('Customer ID').suggestion.target, { kind: 'identifier', identifier: 'external_id' });
    assert.deepEqual(col('E-mail').suggestion, { target: { kind: 'identifier', identifier: 'email' }, invalid: 1 });
    assert.deepEqual(col('Signup Date').suggestion.target, { kind: 'attribute', name: 'created_at' });
    assert.equal(col('Signup Date').suggestion.invalid, 1, '31/02/2021 is no date');
    assert.deepEqual([col('Birthday').facts.date_order, col('Birthday').facts.date_order_proved], ['dmy', true]);
    assert.deepEqual(col('Lifetime Value').suggestion.target, { kind: 'attribute', name: 'lifetime_value', type: 'number' });
    assert.equal(col('Newsletter').suggestion.target.kind, 'skip', 'consent is never suggested');
    assert.match(col('Newsletter').suggestion.note, /consent:email/);

    const run = await s.call('POST', `/v1/imports/${up.body.id}/run`, { mapping: mappingFrom(a, CRM_OVERRIDES), list: { name: 'CRM' } });
    assert.equal(run.status, 202, JSON.stringify(run.body));
    assert.equal(run.body.status, 'running');
    assert.equal(run.body.settings.mapping.VIP, 'tag:VIP');
    assert.equal(run.body.settings.default_tag, 'import 2026-03-15 12:00');
    await work();

    const done = (await s.call('GET', `/v1/imports/${up.body.id}`)).body;
    assert.equal(done.status, 'done', done.error);
    assert.deepEqual(done.counts, { read: 9, created: 4, updated: 0, unchanged: 0, rejected: 5 });
    assert.equal(done.progress.percent, 100);

    const csv = await fetch(`${s.url}${done.rejected_rows_url}`, { headers: { authorization: `Bearer ${s.apiKey}` } });
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    const rows: string[][] = parse(await csv.text(), { relax_column_count: true });
    assert.deepEqual(rows[0]!.slice(0, 4), ['row', 'column', 'reason', 'Customer ID']);
    assert.deepEqual(Object.fromEntries(rows.slice(1).map((r) => [Number(r[0]), r[1]])), CRM_REJECTED);
    const reason = (row: number) => rows.find((r) => r[0] === String(row))![2]!;
    assert.match(reason(5), /"dan@example" is not a valid email/);
    assert.match(reason(6), /"31\/02\/2021" is not a valid date and time/);
    assert.match(reason(8), /no identifier/);
    assert.match(reason(9), /"maybe" is not yes or no/);
    assert.match(reason(10), /16 values but the file has 14 columns/);
    assert.equal(rows.find((r) => r[0] === '9')![3], 'C007', 'the row as it was');
    // The same rows as JSON, a page at a time (what the console shows).
    const page1 = (await s.call('GET', `/v1/imports/${up.body.id}/rejections?limit=3`)).body;
    assert.deepEqual(page1.data.map((r: any) => [r.row, r.column]), [[5, 'E-mail'], [6, 'Signup Date'], [8, null]]);
    assert.match(page1.data[0].reason, /"dan@example" is not a valid email/);
    assert.equal(page1.data[0].cells[0], 'C004');
    assert.equal(page1.next_after, 8);
    const page2 = (await s.call('GET', `/v1/imports/${up.body.id}/rejections?limit=3&after=${page1.next_after}`)).body;
    assert.deepEqual([page2.data.map((r: any) => r.row), page2.next_after], [[9, 10], null]);
    const badLimit = await s.call('GET', `/v1/imports/${up.body.id}/rejections?limit=0`);
    assert.deepEqual([badLimit.status, badLimit.body.error.path], [400, 'query.limit']);

    const ann = await profileByExternalId('C001');
    assert.equal(ann.attributes.email, 'ann.smith@example.com');
    assert.equal(ann.attributes.phone, '+442079460001');
    assert.equal(ann.attributes.company, 'Acme, Inc.');
    assert.equal(ann.attributes.address, '1 High St, Flat 2');
    assert.equal(ann.attributes.notes, 'Prefers email,\r\ncalls on Fridays');
    assert.equal(ann.attributes.birthdate, '1985-12-31');
    assert.equal(ann.attributes.created_at, '2021-03-04T00:00:00.000Z');
    assert.equal(ann.attributes.lifetime_value, 1234.5);
    assert.deepEqual(ann.tags, ['VIP', 'import 2026-03-15 12:00']);
    assert.deepEqual(ann.lists.map((l: any) => l.name), ['CRM']);
    assert.equal(ann.consent.email.status, 'subscribed');
    assert.equal(ann.consent.email.source, 'import');
    const bob = await profileByExternalId('C002');
    assert.equal(bob.attributes.email, 'bob@example.com');
    assert.equal(bob.attributes.phone, '+442079460002');
    assert.equal(bob.attributes.created_at, '2020-06-14T23:00:00.000Z', '15/06/2020 at midnight in London (BST)');
    assert.equal(bob.attributes.birthdate, '1979-03-04', '04/03/1979 is day first, like the rest of the column');
    assert.equal(bob.consent.email.status, 'unsubscribed');
    assert.deepEqual(bob.tags, ['import 2026-03-15 12:00']);
    const chloe = await profileByExternalId('C003');
    assert.equal(chloe.attributes.first_name, 'Chloé');
    assert.equal(chloe.attributes.company, 'Société "Générale"');
    assert.equal(chloe.attributes.created_at, '2020-01-02T10:30:00.000Z');
    assert.equal(chloe.consent.email, undefined, 'an empty consent cell changes nothing');
    const log = (await s.call('GET', `/v1/profiles/${ann.id}/privacy-log`)).body;
    assert.equal(log.data[0].source, 'import');

    const attrs = (await s.call('GET', '/v1/attributes')).body.data;
    assert.equal(attrs.find((x: any) => x.name === 'lifetime_value').type, 'number', 'the registry sees the new attribute');
    const changes = await s.services.db.query<{ n: number }>("SELECT count(*) AS n FROM profile_changes WHERE workspace_id = $1 AND kind = 'created'", [s.workspaceId]);
    assert.equal(changes[0]!.n, 4, 'real-time membership hears of every new profile');
    await s.services.membership.drain();
    const members = await s.services.db.query<{ profile_id: string }>('SELECT profile_id FROM segment_members WHERE segment_id = $1', [vip.body.id]);
    assert.deepEqual(members.map((m) => m.profile_id), [ann.id]);
  });

  test('importing the same file again creates nothing; consent and the DNC list are never undone', async () => {
    const ann = await profileByExternalId('C001');
    await s.call('PUT', `/v1/profiles/${ann.id}/consent/email`, { status: 'unsubscribed', source: 'unsubscribe_link' });
    await s.call('POST', '/v1/dnc', { contact: 'hal@example.com' });
    const hal = await profileByExternalId('C009');
    assert.equal(hal.consent.email.status, 'subscribed');

    const up = await send({ name: 'crm.csv', data: CRM_EXPORT });
    s.clock.advance(60_000);
    const run = await s.call('POST', `/v1/imports/${up.body.id}/run`, { mapping: mappingFrom(up.body.analysis, CRM_OVERRIDES), empty_cells: 'clear', list: { name: 'CRM' } });
    assert.equal(run.status, 202, JSON.stringify(run.body));
    await work();
    const done = (await s.call('GET', `/v1/imports/${up.body.id}`)).body;
    assert.deepEqual(done.counts, { read: 9, created: 0, updated: 0, unchanged: 4, rejected: 5 });
    const count = await s.services.db.query<{ n: number }>('SELECT count(*) AS n FROM profiles WHERE workspace_id = $1', [s.workspaceId]);
    assert.equal(count[0]!.n, CRM_PROFILES.length);

    const again = await profileByExternalId('C001');
    assert.equal(again.consent.email.status, 'unsubscribed', 'an import never re-subscribes someone who unsubscribed');
    assert.deepEqual(again.tags, ['VIP', 'import 2026-03-15 12:00', 'import 2026-03-15 12:01']);
    assert.equal((await s.call('GET', '/v1/dnc/check?contact=hal@example.com')).body.listed, true);
    assert.equal((await profileByExternalId('C009')).consent.email.status, 'subscribed');
    assert.equal((await s.call('GET', '/v1/lists')).body.data.find((l: any) => l.name === 'CRM').member_count, 4);
  });

  test('update-only, create-only and empty cells that clear', async () => {
    const csv = 'Customer ID,City,Plan\nC001,,gold\nC404,Oslo,silver\n';
    const up = await send({ name: 'update.csv', data: csv });
    await s.call('POST', `/v1/imports/${up.body.id}/run`, { mapping: { 'Customer ID': 'external_id', City: 'city', Plan: 'plan' }, mode: 'update-only', empty_cells: 'clear', default_tag: false });
    await work();
    const done = (await s.call('GET', `/v1/imports/${up.body.id}`)).body;
    assert.deepEqual(done.counts, { read: 2, created: 0, updated: 1, unchanged: 0, rejected: 1 });
    const ann = await profileByExternalId('C001');
    assert.equal(ann.attributes.city, undefined, 'cleared');
    assert.equal(ann.attributes.plan, 'gold');
    const rejected = await fetch(`${s.url}${done.rejected_rows_url}`, { headers: { authorization: `Bearer ${s.apiKey}` } });
    assert.deepEqual(parse(await rejected.text())[1], ['3', 'Customer ID', 'no profile has external_id "C404" (update-only)', 'C404', 'Oslo', 'silver']);

    const create = await send({ name: 'create.csv', data: 'id,email\nC001,ann.smith@example.com\nC100,new@example.com\n' });
    await s.call('POST', `/v1/imports/${create.body.id}/run`, { mapping: { id: 'external_id', email: 'email' }, mode: 'create-only' });
    await work();
    assert.deepEqual((await s.call('GET', `/v1/imports/${create.body.id}`)).body.counts, { read: 2, created: 1, updated: 0, unchanged: 0, rejected: 1 });
  });

  test('xlsx (a named sheet), tsv, Latin-1 text and a zip; a delimiter or sheet can be given again', async () => {
    const xlsx = await makeXlsx([['Email', 'Joined'], ['xl@example.com', '2020-05-06']], ['Contacts', 'Other']);
    const x = await send({ name: 'book.xlsx', data: xlsx }, { sheet: 'contacts' });
    assert.equal(x.status, 201, JSON.stringify(x.body));
    assert.deepEqual(x.body.analysis.columns.map((c: any) => c.suggestion.target.kind), ['identifier', 'attribute']);
    const bad = await s.call('POST', `/v1/imports/${x.body.id}/analyze`, { sheet: 'Nope' });
    assert.equal(bad.status, 422);
    assert.match(bad.body.error.message, /Contacts, Other/);
    assert.equal((await s.call('GET', `/v1/imports/${x.body.id}`)).body.status, 'ready', 'a wrong sheet leaves the import as it was');

    const latin = Buffer.concat([Buffer.from('email;ville\n'), Buffer.from('l1@example.com;Besan\xe7on\n', 'latin1')]);
    const l = await send({ name: 'villes.txt', data: latin });
    assert.deepEqual([l.body.analysis.encoding, l.body.analysis.delimiter], ['latin1', ';']);
    assert.deepEqual(l.body.analysis.preview[0].cells, ['l1@example.com', 'Besançon']);
    const reread = await s.call('POST', `/v1/imports/${l.body.id}/analyze`, { delimiter: ',', header: 'no' });
    assert.equal(reread.body.analysis.columns.length, 1);
    assert.equal(reread.body.analysis.header_row, null);

    const zip = await makeZip([{ name: 'export/people.tsv', data: 'email\tage_group\nz1@example.com\t30-39\n' }, { name: 'readme.txt', data: 'hi' }]);
    const z = await send({ name: 'export.zip', data: zip });
    assert.equal(z.body.analysis.file.entry, 'export/people.tsv');
    assert.match(z.body.analysis.warnings[0], /only export\/people.tsv is read/);
    await s.call('POST', `/v1/imports/${z.body.id}/run`, {});
    await work();
    assert.equal((await s.call('GET', `/v1/imports/${z.body.id}`)).body.counts.created, 1);
  });

  test('errors: no identifier mapped, unknown column or channel, wrong state, unsupported file', async () => {
    const up = await send({ name: 'e.csv', data: 'email,city\na@example.com,X\n' });
    const run = (body: unknown) => s.call('POST', `/v1/imports/${up.body.id}/run`, body);
    const none = await run({ mapping: { city: 'city' } });
    assert.deepEqual([none.status, none.body.error.code, none.body.error.path], [422, 'AUD_ERR_IMPORT_MAPPING', 'mapping']);
    const col = await run({ mapping: { email: 'email', town: 'city' } });
    assert.equal(col.body.error.path, 'mapping["town"]');
    const channel = await run({ mapping: { email: 'email', city: 'consent:telex' } });
    assert.deepEqual([channel.status, channel.body.error.code], [422, 'AUD_ERR_CHANNEL_UNKNOWN']);
    const type = await run({ mapping: { email: 'email', city: 'city:number' } });
    assert.match(type.body.error.message, /city is a string attribute/);
    assert.equal((await run({})).status, 202);
    const twice = await run({});
    assert.deepEqual([twice.status, twice.body.error.code], [409, 'AUD_ERR_IMPORT_STATE']);
    const cancel = await s.call('POST', `/v1/imports/${up.body.id}/cancel`);
    assert.equal(cancel.body.status, 'cancelled');
    await work();
    assert.equal((await s.call('GET', `/v1/imports/${up.body.id}`)).body.counts.read, 0, 'cancelled before a batch ran');

    const pdf = await send({ name: 'x.pdf', data: 'x' });
    assert.deepEqual([pdf.status, pdf.body.error.code], [415, 'AUD_ERR_IMPORT_UNSUPPORTED_FILE']);
    const list = (await s.call('GET', '/v1/imports')).body.data;
    assert.ok(list.length >= 5 && list.every((i: any) => i.analysis === undefined));
  });

  test('past the size limit: 413', async () => {
    const small = await startServer(kind, {});
    try {
      small.services.limits.profileImportMaxBytes = 1024;
      const res = await upload({ url: `${small.url}/v1/imports`, key: small.apiKey, file: { name: 'big.csv', data: 'email\n' + 'a@example.com\n'.repeat(200) } });
      assert.deepEqual([res.status, res.body.error.code], [413, 'AUD_ERR_IMPORT_FILE_TOO_LARGE']);
    } finally {
      await small.close();
    }
  });

  for (const packed of [false, true]) {
    test(`a worker stopped mid-import and another one started end with exactly the right profiles (${packed ? 'zip: rows re-read' : 'csv: resumed at its byte'})`, async () => {
      const { csv, expected, rejected } = longExport(600, 150);
      const file = packed ? { name: 'long.zip', data: await makeZip([{ name: 'long.csv', data: csv }]) } : { name: 'long.csv', data: csv };
      const up = await send(file);
      await s.call('POST', `/v1/imports/${up.body.id}/run`, { list: { name: `long ${packed}` }, default_tag: false, mapping: { id: 'external_id', email: 'email', first_name: 'first_name', city: 'city', score: 'score', joined: 'joined' } });
      const first = createServices({ db: s.services.db, clock: s.clock, imports: { batchSize: 50, leaseMs: 30_000 } });
      assert.equal(await first.imports.worker.runOne({ maxBatches: 5 }), true); // then it "dies": no more batches, lease kept
      s.clock.advance(2000);
      const mid = (await s.call('GET', `/v1/imports/${up.body.id}`)).body;
      assert.deepEqual([mid.status, mid.counts.read], ['running', 250]);
      assert.deepEqual([mid.progress.rows_per_second, mid.progress.eta_seconds], [125, 3]);

      const second = createServices({ db: s.services.db, clock: s.clock, imports: { batchSize: 64 } });
      assert.equal(await second.imports.worker.runOne(), false, 'the lease of the first still holds');
      s.clock.advance(31_000);
      assert.equal(await second.imports.worker.runOne(), true);
      const done = (await s.call('GET', `/v1/imports/${up.body.id}`)).body;
      assert.equal(done.status, 'done', done.error);
      assert.deepEqual(done.counts, { read: 600, created: expected.size, updated: 600 - rejected - expected.size, unchanged: 0, rejected });

      const rows = await s.services.db.query<{ external_id: string; score: number; email: string }>(
        "SELECT external_id, (attributes->>'score')::int AS score, attributes->>'email' AS email FROM profiles WHERE workspace_id = $1 AND external_id LIKE 'u%'", [s.workspaceId]);
      assert.equal(rows.length, expected.size, 'one profile per customer');
      for (const r of rows) assert.deepEqual({ score: r.score, email: r.email }, expected.get(r.external_id), r.external_id);
      const ids = await s.services.db.query<{ n: number }>("SELECT count(*) AS n FROM identities WHERE workspace_id = $1 AND value LIKE 'u%'", [s.workspaceId]);
      assert.equal(ids[0]!.n, 2 * expected.size, 'no identifier twice');
      const rej = await s.services.db.query<{ n: number }>('SELECT count(*) AS n FROM import_rejections WHERE import_id = $1', [up.body.id]);
      assert.equal(rej[0]!.n, rejected);
      const list = (await s.call('GET', '/v1/lists')).body.data.find((l: any) => l.name === `long ${packed}`);
      assert.equal(list.member_count, expected.size);
      // Reset for the next variant.
      await s.services.db.query("DELETE FROM identities WHERE workspace_id = $1 AND value LIKE 'u%'", [s.workspaceId]);
      await s.services.db.query("DELETE FROM profiles WHERE workspace_id = $1 AND external_id LIKE 'u%'", [s.workspaceId]);
    });
  }
});
