import type { ChannelRegistry } from '../channels/registry.ts';
import type { Db } from '../db/db.ts';
import type { RowFile } from '../imports/readers/open.ts';
import type { Row } from '../imports/readers/rows.ts';
import type { Clock } from '../shared/clock.ts';
import { normalizeContact } from '../shared/contacts.ts';
import { Errors } from '../shared/errors.ts';
import { checkEntry, type NormalEntry } from './entry.ts';
import type { DncService } from './service.ts';

/** A column by its header (any case) or its 1-based number. */
export type ColumnRef = string | number;

export interface DncImportOptions {
  /** Rows at the top to ignore (titles, notes) before the header or the data. */
  skipRows: number;
  /** Whether the first row after the skipped ones names the columns; 'auto': it does when none of its cells is a contact. */
  header: 'auto' | 'yes' | 'no';
  mapping: { contact?: ColumnRef; channel?: ColumnRef; sender?: ColumnRef };
  /** For rows without a channel column or value: a channel, or null for every channel. */
  channel: string | null;
  sender: string | null;
  /** Analyze only: report what would be added and which rows are invalid, change nothing. */
  dryRun: boolean;
}

export interface DncImportReport {
  dry_run: boolean;
  file: { name: string; format: string; entry?: string; ignored_entries: string[] };
  /** Data rows read (after the skipped rows and the header). */
  rows: number;
  added: number;
  duplicate: number;
  invalid: number;
  /** Blank rows. */
  blank: number;
  /** The first invalid rows, with their row number in the file and why. */
  invalid_rows: { row: number; reason: string; value: string }[];
  /** The first entries added (or that would be). */
  sample: { row: number; contact: string; channel: string | null; sender: string | null }[];
  warnings: string[];
}

const BATCH = 1000;
const MAX_INVALID_LISTED = 1000;
const SAMPLE = 20;
const CONTACT_HEADERS = ['contact', 'email', 'e-mail', 'email address', 'phone', 'phone number', 'mobile', 'msisdn', 'number'];

class DryRun extends Error {}

/**
 * Imports a file of contacts into the DNC list, all or nothing: one transaction, rows inserted in
 * batches as they stream in. A dry run is the same run rolled back, so its report is exactly what the
 * real import would do. Nothing already listed is changed or removed.
 */
export async function importDnc(deps: { db: Db; clock: Clock; dnc: DncService; channels: ChannelRegistry }, args: {
  workspaceId: string; file: RowFile; options: DncImportOptions;
}): Promise<DncImportReport> {
  const { workspaceId, file, options } = args;
  const known = new Set(await deps.channels.names(deps.db, workspaceId));
  if (options.channel !== null && !known.has(options.channel)) throw Errors.unknownChannel({ channel: options.channel, path: 'channel' });
  const report: DncImportReport = {
    dry_run: options.dryRun,
    file: { name: file.name, format: file.format, ...(file.entry ? { entry: file.entry } : {}), ignored_entries: file.ignored },
    rows: 0, added: 0, duplicate: 0, invalid: 0, blank: 0, invalid_rows: [], sample: [],
    warnings: file.ignored.length > 0 ? [`the archive holds ${file.ignored.length + 1} files; only ${file.entry} was read (ignored: ${file.ignored.join(', ')})`] : [],
  };
  const at = deps.clock.now();
  try {
    await deps.db.transaction(async (tx) => {
      let batch: { row: number; entry: NormalEntry }[] = [];
      const flush = async () => {
        const ids = await deps.dnc.insertChecked(tx, { workspaceId, entries: batch.map((b) => b.entry), at });
        batch.forEach((b, i) => {
          if (!ids[i]) return void report.duplicate++;
          report.added++;
          if (report.sample.length < SAMPLE) report.sample.push({ row: b.row, contact: b.entry.contact, channel: b.entry.channel, sender: b.entry.sender });
        });
        batch = [];
      };
      let columns: Columns | undefined;
      let skipped = 0;
      for await (const row of file.rows) {
        if (skipped < options.skipRows) {
          skipped++;
          continue;
        }
        if (!columns) {
          columns = resolveColumns(row, options);
          if (columns.header) continue;
        }
        if (row.cells.every((c) => c === '')) {
          report.blank++;
          continue;
        }
        report.rows++;
        const cell = (i: number | undefined) => (i === undefined ? undefined : row.cells[i] ?? '');
        const contact = cell(columns.contact) ?? '';
        const checked = checkEntry({ contact, channel: cell(columns.channel) || options.channel, sender: cell(columns.sender) || options.sender, source: 'import' }, known);
        if ('error' in checked) {
          report.invalid++;
          if (report.invalid_rows.length < MAX_INVALID_LISTED) report.invalid_rows.push({ row: row.row, reason: checked.error.reason, value: contact });
          continue;
        }
        // A contact seen earlier in the file is a duplicate too: the unique index sees the rows this
        // transaction inserted, so memory stays one batch however long the file.
        batch.push({ row: row.row, entry: checked.ok });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      if (options.dryRun) throw new DryRun();
    });
  } catch (err) {
    if (!(err instanceof DryRun)) throw err;
  }
  return report;
}

interface Columns {
  header: boolean;
  contact: number;
  channel?: number;
  sender?: number;
}

/** Reads the column mapping against the first row: is it a header, and where are contact, channel and sender. */
function resolveColumns(first: Row, options: DncImportOptions): Columns {
  const { mapping } = options;
  const byName = [mapping.contact, mapping.channel, mapping.sender].some((r) => typeof r === 'string');
  let header: boolean;
  if (options.header === 'auto') {
    const probe = typeof mapping.contact === 'number' ? [first.cells[mapping.contact - 1] ?? ''] : first.cells;
    header = byName || !probe.some((c) => normalizeContact(c) !== undefined);
  } else {
    header = options.header === 'yes';
  }
  const names = header ? first.cells.map((c) => c.trim().toLowerCase()) : [];
  const find = (ref: ColumnRef | undefined, field: string): number | undefined => {
    if (ref === undefined) return undefined;
    if (typeof ref === 'number') return ref - 1;
    if (!header) throw Errors.importMapping({ message: `mapping.${field}: the file has no header row, so map columns by number`, path: `mapping.${field}` });
    const i = names.indexOf(ref.trim().toLowerCase());
    if (i < 0) throw Errors.importMapping({ message: `mapping.${field}: no column named ${JSON.stringify(ref)} (columns: ${first.cells.join(', ')})`, path: `mapping.${field}` });
    return i;
  };
  const guess = (candidates: string[]) => {
    const i = names.findIndex((n) => candidates.includes(n));
    return i < 0 ? undefined : i;
  };
  return {
    header,
    contact: find(mapping.contact, 'contact') ?? guess(CONTACT_HEADERS) ?? 0,
    channel: find(mapping.channel, 'channel') ?? guess(['channel']),
    sender: find(mapping.sender, 'sender') ?? guess(['sender']),
  };
}
