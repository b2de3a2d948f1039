import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { AudienceError, Errors } from '../../shared/errors.ts';
import { csvRows } from './csv.ts';
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
  rows: AsyncIterable<Row>;
}

/** A file inside a .zip may unpack to this much at most (a zip bomb stops here, before it is read). */
export const MAX_UNZIPPED_BYTES = 256 * 1024 * 1024;

/**
 * Opens a .txt, .csv, .xlsx — or a .zip holding one, whose first file is used — as a stream of rows.
 * The format comes from the file name. Errors are the import errors of the registry, on `path`.
 */
export async function openRowFile(file: { path: string; name: string }, opts: { delimiter?: string; path?: string; maxUnzippedBytes?: number } = {}): Promise<RowFile> {
  const path = opts.path ?? 'file';
  const maxUnzipped = opts.maxUnzippedBytes ?? MAX_UNZIPPED_BYTES;
  const format = formatOf(file.name);
  if (!format) throw Errors.importUnsupportedFile({ name: file.name, path });
  if (format !== 'zip') {
    return { name: file.name, format, ignored: [], rows: guard(file.name, path, () => reader(format, createReadStream(file.path), opts)) };
  }
  let first: Awaited<ReturnType<typeof openFirstEntry>>;
  try {
    first = await openFirstEntry(file.path);
  } catch (err) {
    throw Errors.importUnreadable({ name: file.name, reason: (err as Error).message, path });
  }
  if (!first) throw Errors.importUnreadable({ name: file.name, reason: 'the archive holds no file', path });
  if (first.size > maxUnzipped) {
    first.close();
    throw Errors.importFileTooLarge({ limit: maxUnzipped, path });
  }
  const inner = formatOf(first.name);
  if (!inner || inner === 'zip') {
    first.close();
    throw Errors.importUnsupportedFile({ name: first.name, path });
  }
  const { close, stream } = first;
  return {
    name: file.name, format: inner, entry: first.name, ignored: first.others,
    rows: guard(first.name, path, () => reader(inner, stream, opts), close),
  };
}

function reader(format: RowFormat, stream: Readable, opts: { delimiter?: string }): AsyncGenerator<Row> {
  return format === 'xlsx' ? xlsxRows(stream) : csvRows(stream, opts);
}

/** A file that turns out broken while it is read is a 422 naming it, not a 500. */
async function* guard(name: string, path: string, open: () => AsyncGenerator<Row>, close?: () => void): AsyncGenerator<Row> {
  try {
    yield* open();
  } catch (err) {
    if (err instanceof AudienceError) throw err;
    throw Errors.importUnreadable({ name, reason: (err as Error).message, path });
  } finally {
    close?.();
  }
}
