import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
const data = Buffer.from('\uFEFFa,b\r\n"x,1","multi\r\nline"\r\nz,é\r\nlast,row', 'utf8');
const p = Readable.from([data.subarray(0, 7), data.subarray(7)]).pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true, trim: true, info: true, skip_records_with_error: true }));
for await (const r of p) console.log(JSON.stringify(r.record), r.info.bytes, r.info.lines, r.info.records, JSON.stringify(data.subarray(r.info.bytes).toString()));
const l1 = Buffer.from('n,v\ncaf\xe9,1\n', 'latin1');
for await (const r of Readable.from([l1]).pipe(parse({ encoding: 'latin1', info: true }))) console.log(r.record, r.info.bytes);
const bad = 'a,b\n"x"y,1\nok,2\n"unterminated,3\nz,4\n';
const p2 = Readable.from([bad]).pipe(parse({ relax_column_count: true, relax_quotes: true, info: true, skip_records_with_error: true, on_skip: (e: any, raw: any) => console.log('skip', e.code, e.message, raw) }));
try { for await (const r of p2) console.log(r.record, r.info.records, r.info.lines); } catch (e) { console.log('ERR', (e as any).code, (e as Error).message); }
