import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { AudienceError, Errors } from '../../shared/errors.ts';
import { csvRows } from './csv.ts';
import { detectDelimiter } from './delimiter.ts';
import { detectEncoding, type DetectedEncoding, nodeEncoding, type TextEncoding } from './encoding.ts';
import { peek } from './peek.ts';
import { formatOf, type Row, type RowFormat } from './rows.ts';
import { xlsxRows } from './xlsx.ts';
import { openFirstEntry } from './zip.ts';

export interface RowFile {
  /** The uploaded file's name. */
  name: string;
  format: RowFormat;
  /** For a .zip: the file inside that is read, and the others, which are not. */
  entry?: string;
  ignored: string[];
  /** Delimited text: how it is read (detected unless given). */
  encoding?: DetectedEncoding;
  delimiter?: string;
  rows: AsyncIterable<Row>;
}

export interface OpenOptions {
  delimiter?: string;
  /** Delimited text: 'auto' (the default) reads the file once to tell UTF-8 from Latin-1 (see encoding.ts). */
  encoding?: TextEncoding | 'auto';
  /** .xlsx: the sheet to read (default the first). */
  sheet?: string;
  /** Broken records come as rows with `error` (see csv.ts) instead of failing the file. */
  reportBroken?: boolean;
  /**
   * Start after row `afterRow`. For plain delimited text with `startByte` (the `end` of that row) the file
   * is read from there; otherwise the rows up to it are read again and dropped.
   */
  resume?: { afterRow: number; startByte?: number | null };
  /** Where errors point in the request (default 'file'). */
  path?: string;
  maxUnzippedBytes?: number;
}

/** A file inside a .zip may unpack to this much at most (a zip bomb stops here, before it is read). */
export const MAX_UNZIPPED_BYTES = 256 * 1024 * 1024;

const SNIFF_BYTES = 64 * 1024;

/**
 * Opens a .txt, .csv, .tsv, .xlsx — or a .zip holding one, whose first file is used — as a stream of rows.
 * The format comes from the file name. Errors are the import errors of the registry, on `path`.
 */
export async function openRowFile(file: { path: string; name: string }, opts: OpenOptions = {}): Promise<RowFile> {
  const path = opts.path ?? 'file';
  const format = formatOf(file.name);
  if (!format) throw Errors.importUnsupportedFile({ name: file.name, path });
  const source: Source = format === 'zip'
    ? await zipSource(file, path, opts.maxUnzippedBytes ?? MAX_UNZIPPED_BYTES)
    : { format, name: file.name, ignored: [], open: async () => ({ stream: createReadStream(file.path) }) };
  const base = { name: file.name, format: source.format, ...(source.entry ? { entry: source.entry } : {}), ignored: source.ignored };
  const afterRow = opts.resume?.afterRow ?? 0;
  const dropDone = (rows: AsyncGenerator<Row>) => (afterRow > 0 ? rowsAfter(rows, afterRow) : rows);

  if (source.format === 'xlsx') {
    return { ...base, rows: guard(source.name, path, async () => dropDone(xlsxRows((await source.open()).stream, { sheet: opts.sheet }))) };
  }
  const encoding = opts.encoding === undefined || opts.encoding === 'auto'
    ? await unreadable(source.name, path, async () => detectEncoding((await source.open()).stream))
    : { encoding: opts.encoding, bom: false };
  let delimiter = opts.delimiter;
  if (!delimiter) {
    delimiter = await unreadable(source.name, path, async () => {
      const { stream } = await source.open();
      const { head } = await peek(stream, SNIFF_BYTES);
      stream.destroy();
      return detectDelimiter(head.toString(nodeEncoding(encoding.encoding)).replace(/^\uFEFF/, ''));
    });
  }
  const csv = { delimiter, encoding: encoding.encoding, reportBroken: opts.reportBroken };
  const startByte = opts.resume?.startByte;
  const rows = format !== 'zip' && afterRow > 0 && typeof startByte === 'number'
    ? async () => csvRows(createReadStream(file.path, { start: startByte }), { ...csv, resume: { afterRow, startByte } })
    : async () => dropDone(csvRows((await source.open()).stream, csv));
  return { ...base, encoding, delimiter, rows: guard(source.name, path, rows) };
}

interface Source {
  format: RowFormat;
  /** The name of the file read (the entry of a zip). */
  name: string;
  entry?: string;
  ignored: string[];
  /** A fresh stream of the file's bytes each time (a zip entry is opened again). */
  open: () => Promise<{ stream: Readable }>;
}

async function zipSource(file: { path: string; name: string }, path: string, maxUnzipped: number): Promise<Source> {
  const first = await unreadable(file.name, path, () => openFirstEntry(file.path));
  if (!first) throw Errors.importUnreadable({ name: file.name, reason: 'the archive holds no file', path });
  first.close();
  if (first.size > maxUnzipped) throw Errors.importFileTooLarge({ limit: maxUnzipped, path });
  const inner = formatOf(first.name);
  if (!inner || inner === 'zip') throw Errors.importUnsupportedFile({ name: first.name, path });
  return {
    format: inner, name: first.name, entry: first.name, ignored: first.others,
    open: async () => {
      const entry = await openFirstEntry(file.path);
      if (!entry) throw new Error('the archive changed while it was read');
      entry.stream.once('close', entry.close);
      return { stream: entry.stream };
    },
  };
}

async function* rowsAfter(rows: AsyncGenerator<Row>, afterRow: number): AsyncGenerator<Row> {
  for await (const r of rows) if (r.row > afterRow) yield r;
}

async function unreadable<T>(name: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AudienceError) throw err;
    throw Errors.importUnreadable({ name, reason: (err as Error).message, path });
  }
}

/** A file that turns out broken while it is read is a 422 naming it, not a 500. */
async function* guard(name: string, path: string, open: () => Promise<AsyncGenerator<Row>>): AsyncGenerator<Row> {
  try {
    yield* await open();
  } catch (err) {
    if (err instanceof AudienceError) throw err;
    throw Errors.importUnreadable({ name, reason: (err as Error).message, path });
  }
}
