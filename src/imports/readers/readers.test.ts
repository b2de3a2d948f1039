import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeXlsx, makeZip } from '../../../test/files.ts';
import { AudienceError } from '../../shared/errors.ts';
import { detectDelimiter } from './delimiter.ts';
import { type OpenOptions, openRowFile } from './open.ts';
import type { Row } from './rows.ts';

const dir = mkdtempSync(join(tmpdir(), 'readers-test-'));
function save(name: string, data: Buffer | string): { path: string; name: string } {
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path, name };
}
async function rows(file: { path: string; name: string }, opts: OpenOptions = {}): Promise<Row[]> {
  const out: Row[] = [];
  for await (const { row, cells, error } of (await openRowFile(file, opts)).rows) out.push(error ? { row, cells, error } : { row, cells });
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

test('encoding: invalid UTF-8 anywhere means Latin-1 (read as Windows-1252); a UTF-16LE BOM is honoured', async () => {
  const latin = Buffer.concat([Buffer.from('name,city\n'), Buffer.from('x'.repeat(70_000) + ',a\n'), Buffer.from('Ren\xe9e,K\xf6ln \x80\n', 'latin1')]);
  const f = await openRowFile(save('latin.csv', latin));
  assert.deepEqual(f.encoding, { encoding: 'latin1', bom: false });
  const got: Row[] = [];
  for await (const r of f.rows) got.push(r);
  assert.deepEqual(got[2]!.cells, ['Renée', 'Köln €']);

  const utf8 = await openRowFile(save('bom.csv', '\uFEFFa;b\n1;2\n'));
  assert.deepEqual([utf8.encoding, utf8.delimiter], [{ encoding: 'utf-8', bom: true }, ';']);
  const utf16 = save('unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Email\tCity\r\nann@x.io\tZürich\r\n', 'utf16le')]));
  assert.deepEqual(await rows(utf16), [{ row: 1, cells: ['Email', 'City'] }, { row: 2, cells: ['ann@x.io', 'Zürich'] }]);
});

test('resume: a row carries the byte just after it; reading from there, or skipping, gives the same rows', async () => {
  const file = save('resume.csv', '\uFEFFa,b\r\n"x,1","multi\r\nline"\r\nz,é\r\nlast,row');
  const all: Row[] = [];
  for await (const r of (await openRowFile(file)).rows) all.push(r);
  assert.deepEqual(all.map((r) => r.end), [8, 29, 35, 43]);
  const fromByte = await rows(file, { resume: { afterRow: 2, startByte: all[1]!.end! } });
  const skipping = await rows(file, { resume: { afterRow: 2 } });
  assert.deepEqual(fromByte, [{ row: 3, cells: ['z', 'é'] }, { row: 4, cells: ['last', 'row'] }]);
  assert.deepEqual(skipping, fromByte);
});

test('broken records: reported in their place with reportBroken, a 422 without', async () => {
  const file = save('broken.csv', 'a,b\nok,1\n"never closed,2\nlost,3\n');
  assert.deepEqual(await rows(file, { reportBroken: true }), [
    { row: 1, cells: ['a', 'b'] }, { row: 2, cells: ['ok', '1'] }, { row: 3, cells: [], error: 'Quote Not Closed: the parsing is finished with an opening quote at line 4' },
  ]);
  await assert.rejects(rows(file), (e: AudienceError) => e.code === 'AUD_ERR_IMPORT_UNREADABLE');
});

test('xlsx: a named sheet (any case); dates without a zone; an unknown sheet names the others', async () => {
  const wb = save('sheets.xlsx', await makeXlsx([['Email', 'Born'], ['ann@x.io', new Date(Date.UTC(1990, 11, 31)) as never]], ['First', 'Second']));
  assert.deepEqual(await rows(wb, { sheet: 'second' }), [{ row: 1, cells: ['other sheet'] }]);
  assert.deepEqual(await rows(wb), [{ row: 1, cells: ['Email', 'Born'] }, { row: 2, cells: ['ann@x.io', '1990-12-31'] }]);
  await assert.rejects(rows(wb, { sheet: 'Third' }), (e: AudienceError) => e.code === 'AUD_ERR_IMPORT_MAPPING' && e.message.includes('First, Second'));
});
