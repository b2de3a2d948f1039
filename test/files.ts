/** Import files made inside the tests: an .xlsx with exceljs, a .zip with yazl, a multipart upload. */
import ExcelJS from 'exceljs';
import yazl from 'yazl';

export async function makeXlsx(rows: readonly (readonly (string | number | null)[])[], sheets: readonly string[] = ['Contacts']): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [i, name] of sheets.entries()) {
    const ws = wb.addWorksheet(name);
    for (const row of i === 0 ? rows : [['other sheet']]) ws.addRow([...row]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function makeZip(files: readonly { name: string; data: Buffer | string }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data), f.name);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

/** POSTs a multipart form with one file and text fields; answers like TestServer.call. */
export async function upload(args: { url: string; key: string; file: { name: string; data: Buffer | string }; fields?: Record<string, string> }): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(args.fields ?? {})) form.append(k, v);
  form.append('file', new Blob([typeof args.file.data === 'string' ? args.file.data : new Uint8Array(args.file.data)]), args.file.name);
  const res = await fetch(args.url, { method: 'POST', headers: { authorization: `Bearer ${args.key}` }, body: form });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}
