import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { detectDelimiter } from './delimiter.ts';
import { peek } from './peek.ts';
import type { Row } from './rows.ts';

const SNIFF_BYTES = 64 * 1024;

/**
 * Rows of delimited text (.csv, .txt), streamed: csv-parse handles quoting, embedded newlines and a
 * UTF-8 BOM; the delimiter is detected from the first 64 KB unless given. Blank lines are rows too
 * (with one empty cell), so row numbers match the file's lines.
 */
export async function* csvRows(input: Readable, opts: { delimiter?: string } = {}): AsyncGenerator<Row> {
  const { head, stream } = await peek(input, SNIFF_BYTES);
  const delimiter = opts.delimiter ?? detectDelimiter(head.toString('utf8').replace(/^\uFEFF/, ''));
  const parser = stream.pipe(parse({ delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, trim: true }));
  let row = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) yield { row: ++row, cells };
  } finally {
    stream.destroy();
  }
}
