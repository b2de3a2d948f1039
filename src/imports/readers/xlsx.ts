import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { Errors } from '../../shared/errors.ts';
import type { Row } from './rows.ts';

/**
 * Rows of one worksheet of an .xlsx — the first, or the one named `sheet` (any case) — streamed with
 * exceljs's WorkbookReader (a sheet is never loaded whole). Empty rows are not reported; rows keep their
 * sheet row number. A sheet that is not there is an import mapping error listing the sheets seen.
 * Styles are read (cached) because a date cell is a number whose style says it is a date.
 */
export async function* xlsxRows(input: Readable, opts: { sheet?: string } = {}): AsyncGenerator<Row> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore' });
  const wanted = opts.sheet?.trim().toLowerCase();
  const seen: string[] = [];
  try {
    for await (const sheet of workbook) {
      const name = (sheet as unknown as { name: string }).name;
      if (wanted !== undefined && name.toLowerCase() !== wanted) {
        seen.push(name);
        for await (const _ of sheet) {
          // a sheet's entry must be read through before the next one comes
        }
        continue;
      }
      for await (const row of sheet) {
        const values = (row as unknown as { values: unknown[] }).values;
        yield { row: row.number, cells: Array.from(values.slice(1), cellText) };
      }
      return;
    }
    if (wanted !== undefined) throw Errors.importMapping({ message: `sheet: the workbook has no sheet named ${JSON.stringify(opts.sheet)} (sheets: ${seen.join(', ')})`, path: 'sheet' });
  } finally {
    input.destroy();
  }
}

/**
 * A cell's value as the text a person sees: rich text joined, a formula's result, a date in ISO form.
 * A spreadsheet date has no time zone (exceljs gives its wall-clock value as UTC), so it is written
 * without one: '2020-12-31', or '2020-12-31T09:30:00' when it has a time of day.
 */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if (typeof v !== 'object') return String(v).trim();
  const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
  if (o.richText) return o.richText.map((r) => r.text).join('').trim();
  if ('result' in o) return cellText(o.result);
  if (o.text !== undefined) return cellText(o.text);
  return '';
}
