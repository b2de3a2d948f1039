import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Row } from './rows.ts';

/**
 * Rows of the first worksheet of an .xlsx, streamed with exceljs's WorkbookReader (the sheet is never
 * loaded whole). Empty rows are not reported; numbers keep their sheet row number.
 */
export async function* xlsxRows(input: Readable): AsyncGenerator<Row> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
  try {
    for await (const sheet of workbook) {
      for await (const row of sheet) {
        const values = (row as unknown as { values: unknown[] }).values;
        yield { row: row.number, cells: Array.from(values.slice(1), cellText) };
      }
      return; // the first sheet only
    }
  } finally {
    input.destroy();
  }
}

/** A cell's value as the text a person sees: rich text joined, a formula's result, a date in ISO form. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v !== 'object') return String(v).trim();
  const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
  if (o.richText) return o.richText.map((r) => r.text).join('').trim();
  if ('result' in o) return cellText(o.result);
  if (o.text !== undefined) return cellText(o.text);
  return '';
}
