import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
const file = '/tmp/imp/p200k.csv';
async function a(opts: any) { const t = performance.now(); let n = 0; for await (const r of createReadStream(file).pipe(parse(opts))) n++; return performance.now() - t; }
async function b(opts: any) {
  const t = performance.now(); let n = 0;
  const p = createReadStream(file).pipe(parse(opts));
  await new Promise<void>((res, rej) => { p.on('readable', () => { let r; while ((r = p.read()) !== null) n++; }); p.on('end', res); p.on('error', rej); });
  return performance.now() - t;
}
for (let i = 0; i < 2; i++) {
  console.log('iter trim', (await a({ trim: true, relax_column_count: true })).toFixed(0), 'iter notrim', (await a({ relax_column_count: true })).toFixed(0),
    'readable notrim', (await b({ relax_column_count: true })).toFixed(0), 'readable notrim info', (await b({ relax_column_count: true, info: true })).toFixed(0));
}
