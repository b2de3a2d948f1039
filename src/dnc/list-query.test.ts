import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countQuery, pageQuery } from './list-query.ts';

const ws = '01900000-0000-7000-8000-000000000001';

test('a filtered, sorted page after a cursor: whitelisted SQL text, every value bound', () => {
  const q = pageQuery({
    workspaceId: ws,
    filter: { channel: '*', contact_contains: '50%_off\\', source: 'import', added_after: new Date('2026-01-01T00:00:00Z') },
    sort: { column: 'sender', desc: true },
    after: ['ACME', '01900000-0000-7000-8000-000000000009'],
    limit: 51,
  });
  assert.equal(q.sql,
    'SELECT id, contact, contact_kind, channel, sender, source, added_at FROM dnc_entries' +
    " WHERE workspace_id = $1 AND contact ILIKE $2 AND channel IS NULL AND source = $3 AND added_at >= $4" +
    " AND (coalesce(sender, ''), id) < ($5::text, $6::uuid)" +
    " ORDER BY coalesce(sender, '') DESC, id DESC LIMIT $7");
  assert.deepEqual(q.params, [ws, '%50\\%\\_off\\\\%', 'import', new Date('2026-01-01T00:00:00Z'), 'ACME', '01900000-0000-7000-8000-000000000009', 51]);
});

test('an offset page and the count share the filter', () => {
  const q = pageQuery({ workspaceId: ws, filter: { channel: 'sms' }, sort: { column: 'added_at', desc: false }, offset: 20, limit: 10 });
  assert.equal(q.sql.endsWith('WHERE workspace_id = $1 AND channel = $2 ORDER BY added_at ASC, id ASC LIMIT $3 OFFSET $4'), true, q.sql);
  assert.deepEqual(q.params, [ws, 'sms', 10, 20]);
  assert.deepEqual(countQuery({ workspaceId: ws, filter: { channel: 'sms' } }), {
    sql: 'SELECT count(*) AS n FROM dnc_entries WHERE workspace_id = $1 AND channel = $2',
    params: [ws, 'sms'],
  });
});
