import { generateCsv } from '../bench/import.ts';
import { existsSync, createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { openRowFile } from '../src/imports/readers/open.ts';
const file = '/tmp/imp/p200k.csv';
if (!existsSync(file)) await generateCsv(file, 200000);
for (const info of [false, true]) {
  const t = performance.now(); let n = 0;
  for await (const r of createReadStream(file).pipe(parse({ info, relax_column_count: true, relax_quotes: true, trim: true, bom: true }))) n++;
  console.log('csv-parse info', info, n, ((performance.now() - t)).toFixed(0), 'ms');
}
let t = performance.now(); let n = 0;
const f = await openRowFile({ path: file, name: 'p.csv' }, { encoding: 'utf-8', delimiter: ',' });
for await (const r of f.rows) n++;
console.log('rows', n, (performance.now() - t).toFixed(0));
t = performance.now();
const { detectEncoding } = await import('../src/imports/readers/encoding.ts');
console.log(await detectEncoding(createReadStream(file)), (performance.now() - t).toFixed(0));
