import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeXlsx, makeZip, upload } from './files.ts';
import { startServer, type TestServer } from './http.ts';
import { insertProfiles } from './profiles-fixture.ts';
import { forEachStore } from './stores.ts';

forEachStore('the Do-Not-Contact list over HTTP', (kind) => {
  let s: TestServer;
  let phoneProfile: string;
  before(async () => {
    s = await startServer(kind);
    [phoneProfile] = await insertProfiles(s.services.db, s.workspaceId, [{ phone: '+44 1234 567890' }, { email: 'Zed@Example.com' }]) as [string];
  });
  after(() => s.close());

  const entries = async () => (await s.call('GET', '/v1/dnc?limit=1000&sort=contact')).body.data as { id: string; contact: string; channel: string | null; source: string }[];
  const importFile = (path: string, file: { name: string; data: Buffer | string }, fields?: Record<string, string>) =>
    upload({ url: s.url + path, key: s.apiKey, file, fields });

  test('one contact however it is typed; emails compare case-insensitively', async () => {
    const first = await s.call('POST', '/v1/dnc', { contact: '+44 1234 567890' });
    assert.equal(first.status, 201);
    assert.equal(first.body.status, 'added');
    assert.deepEqual([first.body.entry.contact, first.body.entry.contact_kind, first.body.entry.channel, first.body.entry.source], ['+441234567890', 'phone', null, 'manual']);
    for (const typed of ['0044-1234-567890', '441234567890']) {
      const again = await s.call('POST', '/v1/dnc', { contact: typed });
      assert.equal(again.status, 200, typed);
      assert.equal(again.body.status, 'duplicate');
      assert.equal(again.body.entry.id, first.body.entry.id);
    }
    assert.equal((await s.call('POST', '/v1/dnc', { contact: 'Ann@Example.COM', channel: 'email', source: 'url_opt_out' })).status, 201);
    assert.equal((await s.call('POST', '/v1/dnc', { contact: 'ann@example.com', channel: 'email' })).body.status, 'duplicate');
    const sms = await s.call('POST', '/v1/dnc', { contact: '441234567890', channel: 'sms', sender: 'ACME' });
    assert.equal(sms.status, 201, 'a channel and sender make another entry');

    const check = await s.call('GET', `/v1/dnc/check?contact=${encodeURIComponent('0044 1234 567890')}&channel=whatsapp`);
    assert.equal(check.body.listed, true, 'an entry for every channel covers whatsapp');
    assert.equal(check.body.contact, '+441234567890');
    assert.equal((await s.call('GET', '/v1/dnc/check?contact=ANN@example.com&channel=sms')).body.listed, false);
    assert.equal((await s.call('GET', '/v1/dnc/check?contact=ANN@example.com&channel=email')).body.listed, true);
    assert.equal((await s.call('GET', '/v1/dnc/check?contact=nobody@example.com')).body.listed, false);
  });

  test('adding records a dnc change for profiles with that email or phone', async () => {
    const rows = await s.services.db.query<{ profile_id: string; names: string[] }>("SELECT profile_id, names FROM profile_changes WHERE kind = 'dnc' ORDER BY id");
    assert.ok(rows.length >= 2);
    assert.ok(rows.every((r) => r.profile_id === phoneProfile));
    assert.ok(rows[0]!.names.includes('email') && rows[0]!.names.includes('sms'), 'an all-channels entry names every channel');
    assert.deepEqual(rows.at(-1)!.names, ['sms']);
    await s.call('POST', '/v1/dnc', { contact: 'zed@example.COM' });
    const zed = await s.services.db.query("SELECT 1 FROM profile_changes WHERE kind = 'dnc' AND profile_id <> $1", [phoneProfile]);
    assert.equal(zed.length, 1);
  });

  test('bad inputs: a malformed phone and an unknown channel are 422s with their path', async () => {
    const phone = await s.call('POST', '/v1/dnc', { contact: '+12 34' });
    assert.equal(phone.status, 422);
    assert.equal(phone.body.error.code, 'AUD_ERR_DNC_INVALID_CONTACT');
    assert.equal(phone.body.error.path, 'contact');
    const channel = await s.call('POST', '/v1/dnc', { contact: 'x@y.io', channel: 'telex' });
    assert.equal(channel.status, 422);
    assert.equal(channel.body.error.code, 'AUD_ERR_CHANNEL_UNKNOWN');
    assert.equal(channel.body.error.path, 'channel');
    const check = await s.call('GET', '/v1/dnc/check?contact=12');
    assert.equal(check.status, 422);
    assert.equal(check.body.error.path, 'query.contact');
    assert.equal((await s.call('POST', '/v1/dnc', {})).status, 400);
  });

  test('many at once: each item added, duplicate or invalid, with its path', async () => {
    const res = await s.call('POST', '/v1/dnc', { entries: [
      { contact: 'new1@x.io', source: 'end_user_message' },
      { contact: 'NEW1@x.io', source: 'end_user_message' },
      { contact: '+44 1234 567890' },
      { contact: '12ab' },
      { contact: '+33 6 12 34 56 78', channel: 'pager' },
      { contact: '+33 6 12 34 56 78', channel: 'sms', source: 'campaign_action' },
    ] });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.added, res.body.duplicate, res.body.invalid], [2, 2, 2]);
    assert.deepEqual(res.body.results.map((r: { status: string }) => r.status), ['added', 'duplicate', 'duplicate', 'invalid', 'invalid', 'added']);
    assert.equal(res.body.results[3].path, 'entries[3].contact');
    assert.equal(res.body.results[4].path, 'entries[4].channel');
    assert.equal(res.body.results[5].contact, '+33612345678');
  });

  test('filter by any column, sort by any column, cursor and offset pages', async () => {
    const all = await entries();
    assert.deepEqual(all.map((e) => e.contact), [...all.map((e) => e.contact)].sort());
    const byChannel = (await s.call('GET', '/v1/dnc?channel=sms')).body.data;
    assert.ok(byChannel.length === 2 && byChannel.every((e: { channel: string }) => e.channel === 'sms'));
    const everyChannel = (await s.call('GET', '/v1/dnc?channel=*')).body.data;
    assert.ok(everyChannel.length > 0 && everyChannel.every((e: { channel: string | null }) => e.channel === null));
    assert.equal((await s.call('GET', '/v1/dnc?source=url_opt_out')).body.data.length, 1);
    assert.equal((await s.call('GET', '/v1/dnc?sender=ACME')).body.data.length, 1);
    assert.equal((await s.call('GET', '/v1/dnc?contact_kind=email')).body.data.length, all.filter((e) => e.contact.includes('@')).length);
    assert.equal((await s.call('GET', `/v1/dnc?contact=${encodeURIComponent('0044 1234 567890')}`)).body.data.length, 2);
    assert.equal((await s.call('GET', '/v1/dnc?contact_contains=EXAMPLE')).body.data.length, 2);
    assert.equal((await s.call('GET', '/v1/dnc?contact_contains=%25')).body.data.length, 0, '% is a plain character');
    assert.equal((await s.call('GET', '/v1/dnc?added_after=2026-03-16T00:00:00Z')).body.data.length, 0);

    for (const sort of ['contact', '-contact', 'contact_kind', 'channel', '-channel', 'sender', 'source', '-source', 'added_at', '-added_at']) {
      const full = (await s.call('GET', `/v1/dnc?sort=${sort}&limit=1000`)).body.data.map((e: { id: string }) => e.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = (await s.call('GET', `/v1/dnc?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body;
        paged.push(...page.data.map((e: { id: string }) => e.id));
        cursor = page.next_cursor;
      } while (cursor);
      assert.deepEqual(paged, full, sort);
    }
    const offset = await s.call('GET', '/v1/dnc?sort=contact&offset=2&limit=2');
    assert.equal(offset.body.total, all.length);
    assert.deepEqual(offset.body.data.map((e: { id: string }) => e.id), all.slice(2, 4).map((e) => e.id));

    const badSort = await s.call('GET', '/v1/dnc?sort=contact;DROP TABLE dnc_entries');
    assert.equal(badSort.status, 400);
    assert.equal(badSort.body.error.path, 'query.sort');
    const first = (await s.call('GET', '/v1/dnc?sort=contact&limit=1')).body.next_cursor;
    const mixed = await s.call('GET', `/v1/dnc?sort=-added_at&cursor=${first}`);
    assert.equal(mixed.status, 400, 'a cursor is only valid under its sort');
    assert.equal(mixed.body.error.path, 'query.cursor');
  });

  test('CSV export of the filtered list', async () => {
    const res = await s.call('GET', '/v1/dnc?format=csv&contact_kind=phone&sort=contact');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition')!, /dnc\.csv/);
    const lines = (res.body as string).trim().split('\n');
    assert.equal(lines[0], 'contact,contact_kind,channel,sender,source,added_at,id');
    assert.equal(lines.length, 1 + (await entries()).filter((e) => !e.contact.includes('@')).length);
    assert.ok(lines[1]!.startsWith('+33612345678,phone,sms,,campaign_action,2026-03-15T12:00:00.000Z,'));
  });

  test('analyze reports what an import would add and the invalid rows, and changes nothing', async () => {
    const before = (await entries()).length;
    const csv = 'Exported 2026-03-01\nNotes: do not edit\nName;Phone;Channel\nAnn;+44 1234 567890;\nCy;0033 7 11 22 33 44;sms\nDi;12345;\n\nEd;+49 30 1234567;fax\nFi;0033711223344;sms\n';
    const fields = { skip_rows: '2', mapping: JSON.stringify({ contact: 'phone', channel: 'Channel' }) };
    const res = await importFile('/v1/dnc/import/analyze', { name: 'opt-outs.csv', data: csv }, fields);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.dry_run, true);
    assert.deepEqual([res.body.rows, res.body.added, res.body.duplicate, res.body.invalid, res.body.blank], [5, 1, 2, 2, 1]);
    assert.deepEqual(res.body.sample, [{ row: 5, contact: '+33711223344', channel: 'sms', sender: null }]);
    assert.deepEqual(res.body.invalid_rows.map((r: { row: number; reason: string }) => [r.row, r.reason]), [
      [6, '"12345" is not a valid phone number (E.164: + country code and 8 to 15 digits)'],
      [8, 'unknown channel "fax"'],
    ]);
    assert.equal((await entries()).length, before, 'a dry run adds nothing');

    const real = await importFile('/v1/dnc/import', { name: 'opt-outs.csv', data: csv }, fields);
    assert.equal(real.body.dry_run, false);
    assert.deepEqual([real.body.added, real.body.duplicate, real.body.invalid], [1, 2, 2]);
    const added = (await entries()).find((e) => e.contact === '+33711223344' && e.source === 'import');
    assert.ok(added);
  });

  test('an import never removes or changes what is listed', async () => {
    const before = await entries();
    const res = await importFile('/v1/dnc/import', { name: 'few.txt', data: 'brand-new@x.io\n' });
    assert.equal(res.body.added, 1);
    const afterIds = new Set((await entries()).map((e) => e.id));
    assert.ok(before.every((e) => afterIds.has(e.id)));
  });

  test('xlsx, and a zip with two files (the first used, the other reported)', async () => {
    const xlsx = await makeXlsx([['Email', 'Sender'], ['x1@x.io', 'Shop'], ['not-an-email@', ''], ['X1@x.io', 'Shop']]);
    const fromXlsx = await importFile('/v1/dnc/import', { name: 'book.xlsx', data: xlsx }, { channel: 'email' });
    assert.equal(fromXlsx.status, 200, JSON.stringify(fromXlsx.body));
    assert.deepEqual([fromXlsx.body.added, fromXlsx.body.duplicate, fromXlsx.body.invalid], [1, 1, 1]);
    assert.deepEqual(fromXlsx.body.sample[0], { row: 2, contact: 'x1@x.io', channel: 'email', sender: 'Shop' });
    assert.equal(fromXlsx.body.invalid_rows[0].row, 3);

    const zip = await makeZip([{ name: 'first.csv', data: 'zipped1@x.io\nzipped2@x.io\n' }, { name: 'second.csv', data: 'never@x.io\n' }]);
    const fromZip = await importFile('/v1/dnc/import', { name: 'two.zip', data: zip });
    assert.equal(fromZip.status, 200);
    assert.equal(fromZip.body.added, 2);
    assert.equal(fromZip.body.file.entry, 'first.csv');
    assert.deepEqual(fromZip.body.file.ignored_entries, ['second.csv']);
    assert.match(fromZip.body.warnings[0], /only first\.csv was read \(ignored: second\.csv\)/);
    assert.equal((await s.call('GET', '/v1/dnc/check?contact=never@x.io')).body.listed, false);
  });

  test('bad files: 16 MB is a 413, an unknown format, channel or column is a 4xx with its path', async () => {
    const big = Buffer.alloc(16 * 1024 * 1024, 'a@b.io\n');
    const tooBig = await importFile('/v1/dnc/import', { name: 'big.csv', data: big });
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.error.code, 'AUD_ERR_IMPORT_FILE_TOO_LARGE');
    assert.equal(tooBig.body.error.path, 'file');

    const pdf = await importFile('/v1/dnc/import', { name: 'x.pdf', data: 'x' });
    assert.equal(pdf.status, 415);
    assert.equal(pdf.body.error.path, 'file');
    const channel = await importFile('/v1/dnc/import', { name: 'a.csv', data: 'a@x.io\n' }, { channel: 'telex' });
    assert.equal(channel.status, 422);
    assert.equal(channel.body.error.path, 'channel');
    const column = await importFile('/v1/dnc/import', { name: 'a.csv', data: 'Email\na@x.io\n' }, { mapping: '{"contact":"Mobile"}' });
    assert.equal(column.status, 422);
    assert.equal(column.body.error.path, 'mapping.contact');
    const mapping = await importFile('/v1/dnc/import', { name: 'a.csv', data: 'a@x.io\n' }, { mapping: '{"contact":' });
    assert.equal(mapping.status, 400);
    assert.equal(mapping.body.error.path, 'mapping');
    const skip = await importFile('/v1/dnc/import', { name: 'a.csv', data: 'a@x.io\n' }, { skip_rows: '-1' });
    assert.equal(skip.body.error.path, 'skip_rows');
    const noFile = await s.call('POST', '/v1/dnc/import', { contact: 'a@x.io' });
    assert.equal(noFile.status, 415);
  });

  test('remove one or many, by id or by contact', async () => {
    const one = (await s.call('POST', '/v1/dnc', { contact: 'gone@x.io' })).body.entry;
    assert.equal((await s.call('DELETE', `/v1/dnc/${one.id}`)).status, 200);
    assert.equal((await s.call('DELETE', `/v1/dnc/${one.id}`)).status, 404);
    assert.equal((await s.call('GET', `/v1/dnc/${one.id}`)).status, 404);

    const a = (await s.call('POST', '/v1/dnc', { contact: 'a1@x.io' })).body.entry;
    await s.call('POST', '/v1/dnc', { contact: '+1 202 555 0100', channel: 'sms' });
    await s.call('POST', '/v1/dnc', { contact: '+1 202 555 0100', channel: 'whatsapp' });
    const res = await s.call('POST', '/v1/dnc/remove', { ids: [a.id, one.id, 'x'], contacts: ['0012025550100', 'nobody@x.io', '??'] });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.removed, res.body.not_found, res.body.invalid], [2, 2, 2]);
    assert.equal(res.body.results[3].removed, 2);
    assert.equal((await s.call('GET', '/v1/dnc/check?contact=%2B12025550100')).body.listed, false);
  });

  test("another workspace's key never sees this list", async () => {
    const entry = (await s.call('POST', '/v1/dnc', { contact: 'secret@x.io' })).body.entry;
    const other = await s.services.workspaces.create({ name: 'Other' });
    const opts = { key: other.apiKey };
    assert.equal((await s.call('GET', `/v1/dnc/${entry.id}`, undefined, opts)).status, 404);
    assert.equal((await s.call('DELETE', `/v1/dnc/${entry.id}`, undefined, opts)).status, 404);
    assert.deepEqual((await s.call('GET', '/v1/dnc', undefined, opts)).body.data, []);
    assert.equal((await s.call('GET', '/v1/dnc/check?contact=secret@x.io', undefined, opts)).body.listed, false);
    assert.equal((await s.call('GET', `/v1/dnc/${entry.id}`)).status, 200);
  });
});
