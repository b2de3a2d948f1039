import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { detectDelimiter } from './delimiter.ts';
import { fixWindows1252, nodeEncoding, type TextEncoding } from './encoding.ts';
import { peek } from './peek.ts';
import type { Row } from './rows.ts';

const SNIFF_BYTES = 64 * 1024;

export interface CsvOptions {
  delimiter?: string;
  /** Default UTF-8 (a BOM is dropped either way). */
  encoding?: TextEncoding;
  /**
   * A record csv-parse can not read (a quote that never closes) comes as a row with `error` instead
   * of failing the whole file.
   */
  reportBroken?: boolean;
  /** Resuming: the stream starts at byte `startByte` of the file, just after row `afterRow`. */
  resume?: { afterRow: number; startByte: number };
}

interface Parsed {
  record: string[];
  info: { bytes: number; records: number };
}

/**
 * Rows of delimited text (.csv, .tsv, .txt), streamed: csv-parse handles quoting, embedded newlines and a
 * BOM; the delimiter is detected from the first 64 KB unless given. Blank lines are rows too (with one
 * empty cell), so row numbers are record numbers, as a spreadsheet numbers them. Each row carries `end`,
 * the byte of the file just after it, where a later read may start (see `resume`).
 */
export async function* csvRows(input: Readable, opts: CsvOptions = {}): AsyncGenerator<Row> {
  const encoding = opts.encoding ?? 'utf-8';
  let stream = input;
  let delimiter = opts.delimiter;
  if (!delimiter) {
    const sniffed = await peek(input, SNIFF_BYTES);
    stream = sniffed.stream;
    delimiter = detectDelimiter(sniffed.head.toString(nodeEncoding(encoding)).replace(/^\uFEFF/, ''));
  }
  const broken: { afterRecords: number; error: string }[] = [];
  const parser = stream.pipe(parse({
    delimiter, encoding: nodeEncoding(encoding), bom: true, info: true,
    relax_column_count: true, relax_quotes: true, skip_empty_lines: false, trim: true,
    skip_records_with_error: opts.reportBroken ?? false,
    on_skip: (err) => void broken.push({ afterRecords: (err as { records?: number }).records ?? 0, error: err?.message ?? 'unreadable record' }),
  }));
  const fix = encoding === 'latin1' ? fixWindows1252 : undefined;
  const base = opts.resume?.startByte ?? 0;
  let row = opts.resume?.afterRow ?? 0;
  // A broken record is reported in its place: after the records that came before it.
  const brokenBefore = function* (records: number): Generator<Row> {
    while (broken.length > 0 && broken[0]!.afterRecords < records) yield { row: ++row, cells: [], error: broken.shift()!.error };
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<Parsed>) {
      yield* brokenBefore(info.records);
      yield { row: ++row, cells: fix ? record.map(fix) : record, end: base + info.bytes };
    }
    yield* brokenBefore(Infinity);
  } finally {
    stream.destroy();
  }
}
