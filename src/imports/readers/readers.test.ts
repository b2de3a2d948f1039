import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeXlsx, makeZip } from '../../../test/files.ts';
import { AudienceError } from '../../shared/errors.ts';
import { detectDelimiter } from './delimiter.ts';
import { openRowFile } from './open.ts';
import type { Row } from './rows.ts';

const dir = mkdtempSync(join(tmpdir(), 'readers-test-'));
function save(name: string, data: Buffer | string): { path: string; name: string } {
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path, name };
}
async function rows(file: { path: string; name: string }): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of (await openRowFile(file)).rows) out.push(r);
  return out;
}

test('delimiter detection: consistent counts outside quotes win; one column falls back to a comma', () => {
  assert.equal(detectDelimiter('a,b,c\n1,2,3\n'), ',');
  assert.equal(detectDelimiter('name;phone\n"Smith, J";+441234567890\nAnn;+441234567891\n'), ';');
  assert.equal(detectDelimiter('a\tb\n1\t2\n'), '\t');
  assert.equal(detectDelimiter('a|b|c\n1|2|3'), '|');
  assert.equal(detectDelimiter('+441234567890\n+441234567891\n'), ',');
  assert.equal(detectDelimiter(''), ',');
});

test('csv: BOM, quotes, embedded newlines, semicolons; row numbers count blank lines', async () => {
  const file = save('a.csv', '\uFEFFname;phone\n"Smith; J";"+44 1234 567890"\n\nAnn;0044-1234-567891\n');
  assert.deepEqual(await rows(file), [
    { row: 1, cells: ['name', 'phone'] },
    { row: 2, cells: ['Smith; J', '+44 1234 567890'] },
    { row: 3, cells: [''] },
    { row: 4, cells: ['Ann', '0044-1234-567891'] },
  ]);
});

test('txt: one contact per line', async () => {
  assert.deepEqual(await rows(save('list.txt', 'a@x.io\r\nb@x.io')), [{ row: 1, cells: ['a@x.io'] }, { row: 2, cells: ['b@x.io'] }]);
});

test('xlsx: the first sheet, streamed, numbers and blanks as text, sheet row numbers', async () => {
  const file = save('book.xlsx', await makeXlsx([['Email', 'Phone'], ['ann@x.io', 441234567890], [], ['bo@x.io', null]], ['Contacts', 'Other']));
  assert.deepEqual(await rows(file), [
    { row: 1, cells: ['Email', 'Phone'] },
    { row: 2, cells: ['ann@x.io', '441234567890'] },
    { row: 4, cells: ['bo@x.io'] },
  ]);
});

test('zip: the first file is read, the others reported; folders and __MACOSX do not count', async () => {
  const zip = save('two.zip', await makeZip([
    { name: '__MACOSX/._first.csv', data: 'junk' },
    { name: 'first.csv', data: 'a@x.io\nb@x.io\n' },
    { name: 'second.xlsx', data: await makeXlsx([['c@x.io']]) },
  ]));
  const f = await openRowFile(zip);
  assert.equal(f.entry, 'first.csv');
  assert.equal(f.format, 'csv');
  assert.deepEqual(f.ignored, ['second.xlsx']);
  const got: Row[] = [];
  for await (const r of f.rows) got.push(r);
  assert.equal(got.length, 2);

  const inner = save('x.zip', await makeZip([{ name: 'sheet.xlsx', data: await makeXlsx([['c@x.io']]) }]));
  assert.deepEqual(await rows(inner), [{ row: 1, cells: ['c@x.io'] }]);
});

test('bad files are import errors, not crashes', async () => {
  const code = async (file: { path: string; name: string }) => {
    try {
      await rows(file);
    } catch (err) {
      assert.ok(err instanceof AudienceError, String(err));
      return err.code;
    }
    return 'no error';
  };
  assert.equal(await code(save('x.pdf', 'x')), 'AUD_ERR_IMPORT_UNSUPPORTED_FILE');
  assert.equal(await code(save('bad.zip', 'not a zip')), 'AUD_ERR_IMPORT_UNREADABLE');
  assert.equal(await code(save('bad.xlsx', 'not a workbook')), 'AUD_ERR_IMPORT_UNREADABLE');
  assert.equal(await code(save('empty.zip', await makeZip([]))), 'AUD_ERR_IMPORT_UNREADABLE');
  const bomb = save('bomb.zip', await makeZip([{ name: 'big.csv', data: Buffer.alloc(2048, 'a') }]));
  await assert.rejects(openRowFile(bomb, { maxUnzippedBytes: 1024 }), (e: AudienceError) => e.code === 'AUD_ERR_IMPORT_FILE_TOO_LARGE');
  assert.equal(await code(save('nested.zip', await makeZip([{ name: 'in.zip', data: await makeZip([]) }]))), 'AUD_ERR_IMPORT_UNSUPPORTED_FILE');
});
