import { writeFileSync } from 'node:fs';
import { openDb } from '../src/db/open.ts';
import { createServices } from '../src/services.ts';
import { ManualClock } from '../src/shared/clock.ts';
const db = await openDb({ kind: 'pglite' });
const clock = new ManualClock('2026-03-15T12:00:00Z');
const s = createServices({ db, clock });
const { workspace } = await s.workspaces.create({ name: 'x', timezone: 'Europe/London' });
const csv = '\uFEFFCustomer ID,E-mail,First Name,City,Birthday,VIP,Notes,Newsletter\n' +
  '1,ann@x.io,Ann,"Paris, FR",31/12/1990,yes,"multi\nline, note",yes\n' +
  '2,bob@x.io,Bob,Lyon,01/02/1985,no,,no\n' +
  '3,not-an-email,Cy,Nice,1985-03-04,x,,\n' +
  '4,dee@x.io,Dee,Nice,30/02/1985,,,\n' +
  ',,,,,,,\n' +
  '5,ann@x.io,Ann2,,,,,\n';
writeFileSync('/tmp/imp/crm.csv', csv);
const imp = await s.imports.create({ workspaceId: workspace.id, timezone: 'Europe/London', file: { path: '/tmp/imp/crm.csv', name: 'crm.csv', size: csv.length }, move: false });
console.log(JSON.stringify(imp.analysis, null, 1).slice(0, 4000));
const started = await s.imports.run({ workspaceId: workspace.id, timezone: 'Europe/London', id: imp.id, actor: { kind: 'system' }, request: { mode: 'upsert', empty_cells: 'leave', tags: [], default_tag: true, list: { name: 'CRM' }, mapping: { 'Customer ID': 'external_id', 'E-mail': 'email', 'First Name': 'first_name', City: 'city', Birthday: 'birthdate', VIP: 'tag', Notes: 'notes', Newsletter: 'consent:email' } } });
console.log(JSON.stringify(started.plan));
await s.imports.worker.runOne({ onProgress: (r) => console.log('progress', r.rows_done, r.rows_read, r.created, r.updated, r.unchanged, r.rejected) });
const done = await s.imports.get(workspace.id, imp.id);
console.log(done.status, done.error);
for await (const r of s.imports.rejectedRows(workspace.id, imp.id)) console.log(r);
console.log(await db.query('SELECT external_id, attributes FROM profiles'));
console.log(await db.query('SELECT kind, names FROM profile_changes'));
console.log(await db.query('SELECT * FROM consents'));
await db.close();
