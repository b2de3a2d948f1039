import type { AttributeType } from '../attributes/types.ts';
import { ColumnTally, type ColumnFacts } from './columns.ts';
import { classifyDate, defaultDateOrder } from './dates.ts';
import { failingValues, type Target } from './mapping.ts';
import type { TextEncoding } from './readers/encoding.ts';
import { openRowFile } from './readers/open.ts';
import type { Row } from './readers/rows.ts';
import { suggestMapping } from './suggest.ts';
import { isEmail, looksLikePhone, parseNumber } from './values.ts';

export const HEADER_MODES = ['auto', 'yes', 'no'] as const;
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** How a file is read: set when it is uploaded, changed by analyzing it again. */
export interface ReadOptions {
  /** Delimited text: detected unless given. */
  delimiter?: (typeof DELIMITERS)[number];
  encoding: TextEncoding | 'auto';
  /** .xlsx: the sheet (default the first). */
  sheet?: string;
  /** Rows at the top to ignore (a title, notes) before the header or the data. */
  skip_rows: number;
  /** Whether the first row after them names the columns; 'auto': it does when none of its cells looks like a value. */
  header: (typeof HEADER_MODES)[number];
}

export interface AnalyzedColumn {
  /** 1-based. */
  index: number;
  /** From the header row ('Column 3' without one; a repeated name gets ' (2)'). */
  name: string;
  facts: ColumnFacts;
  /** The suggested target and how many values it would reject. */
  suggestion: { target: Target; invalid: number; note?: string };
}

export interface Analysis {
  file: { name: string; format: string; entry?: string; ignored_entries: string[] };
  encoding: 'utf-8' | 'utf-8-bom' | 'latin1' | 'utf-16le' | null;
  delimiter: string | null;
  sheet: string | null;
  skip_rows: number;
  /** The row that names the columns, or null. */
  header_row: number | null;
  /** Rows numbered up to this one are not data (skipped rows and the header). */
  data_after: number;
  /** Data rows (blank rows not counted; broken ones are). */
  rows: number;
  blank_rows: number;
  /** Rows that can not be imported as they are: unreadable, or with more values than columns. */
  broken_rows: number;
  columns: AnalyzedColumn[];
  /** The first data rows as read (cut or padded to the columns). */
  preview: { row: number; cells: string[] }[];
  warnings: string[];
}

const PREVIEW_ROWS = 20;

/**
 * Reads the whole file once (streamed, memory flat): finds the header, counts per column what its values
 * could be (columns.ts), keeps the first rows, and suggests a mapping (suggest.ts). Every count is over
 * the whole file, so "n values would fail" is exactly what a run rejects for that column.
 */
export async function analyzeFile(args: {
  file: { path: string; name: string };
  options: ReadOptions;
  timezone: string;
  /** Types of the attributes that exist (custom ones; standard ones are known). */
  existing: ReadonlyMap<string, AttributeType>;
  maxUnzippedBytes?: number;
}): Promise<Analysis> {
  const { options } = args;
  const f = await openRowFile(args.file, {
    delimiter: options.delimiter, encoding: options.encoding, sheet: options.sheet, reportBroken: true, maxUnzippedBytes: args.maxUnzippedBytes,
  });
  const tallies: ColumnTally[] = [];
  const preview: Analysis['preview'] = [];
  let header: string[] | undefined;
  let headerRow: number | null = null;
  let decided = options.header === 'no';
  let rows = 0;
  let blank = 0;
  let broken = 0;
  let wide = 0;
  for await (const row of f.rows) {
    if (row.row <= options.skip_rows) continue;
    if (row.error) {
      rows++;
      broken++;
      continue;
    }
    if (isBlank(row)) {
      blank++;
      continue;
    }
    if (!decided) {
      decided = true;
      if (options.header === 'yes' || !row.cells.some(looksLikeValue)) {
        header = trimEnd(row.cells);
        headerRow = row.row;
        continue;
      }
    }
    rows++;
    if (preview.length < PREVIEW_ROWS) preview.push({ row: row.row, cells: row.cells });
    const width = header ? header.length : row.cells.length;
    if (header && row.cells.slice(width).some((c) => c !== '')) {
      wide++;
      continue;
    }
    while (tallies.length < Math.min(width, row.cells.length)) tallies.push(new ColumnTally());
    for (let i = 0; i < tallies.length && i < row.cells.length; i++) tallies[i]!.add(row.cells[i]!);
  }
  // An empty data file: the columns are the header's.
  while (header && tallies.length < header.length) tallies.push(new ColumnTally());
  const names = columnNames(header, tallies.length);
  const order = defaultDateOrder(args.timezone);
  const facts = tallies.map((t) => t.facts(order));
  const suggestions = suggestMapping(names.map((name, i) => ({ name, facts: facts[i]! })), args.existing);
  const columns: AnalyzedColumn[] = names.map((name, i) => {
    const s = suggestions[i]!;
    const type = s.target.kind === 'attribute' ? s.target.type ?? args.existing.get(s.target.name) : undefined;
    return { index: i + 1, name, facts: facts[i]!, suggestion: { ...s, invalid: failingValues(s.target, facts[i]!, type) } };
  });

  const warnings: string[] = [];
  if (f.ignored.length > 0) warnings.push(`the archive holds ${f.ignored.length + 1} files; only ${f.entry} is read (ignored: ${f.ignored.join(', ')})`);
  if (header && new Set(header).size < header.length) warnings.push('some columns have the same name; the repeats are numbered, e.g. "Name (2)"');
  if (broken > 0) warnings.push(`${broken} row(s) can not be read (e.g. a quote that never closes); they will be rejected`);
  if (wide > 0) warnings.push(`${wide} row(s) have more values than there are columns (a delimiter inside an unquoted value?); they will be rejected`);
  for (const c of columns) {
    const dated = c.facts.fits.date > 0 && (c.suggestion.target.kind === 'attribute');
    if (dated && !c.facts.date_order_proved && preview.some((p) => classifyDate(p.cells[c.index - 1] ?? '').shape === 'either')) {
      warnings.push(`${c.name}: no value shows whether dates like 03/04/2020 put the day or the month first; read as ${c.facts.date_order === 'dmy' ? 'day first (DMY)' : 'month first (MDY)'} — set date_order in the mapping to change it`);
    }
  }
  return {
    file: { name: f.name, format: f.format, ...(f.entry ? { entry: f.entry } : {}), ignored_entries: f.ignored },
    encoding: f.encoding ? (f.encoding.encoding === 'utf-8' && f.encoding.bom ? 'utf-8-bom' : f.encoding.encoding) : null,
    delimiter: f.delimiter ?? null,
    sheet: options.sheet ?? null,
    skip_rows: options.skip_rows,
    header_row: headerRow,
    data_after: headerRow ?? options.skip_rows,
    rows: rows,
    blank_rows: blank,
    broken_rows: broken + wide,
    columns,
    preview: preview.map((p) => ({ row: p.row, cells: fit(p.cells, columns.length) })),
    warnings,
  };
}

export const isBlank = (row: Row): boolean => row.cells.every((c) => c === '');

/** A header cell is a name, not a value: no email, number, date or phone number. */
function looksLikeValue(cell: string): boolean {
  if (cell === '') return false;
  return isEmail(cell) || parseNumber(cell) !== undefined || looksLikePhone(cell) || classifyDate(cell).shape !== 'none';
}

function columnNames(header: readonly string[] | undefined, count: number): string[] {
  const seen = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const base = header?.[i]?.trim() || `Column ${i + 1}`;
    const n = (seen.get(base.toLowerCase()) ?? 0) + 1;
    seen.set(base.toLowerCase(), n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

const trimEnd = (cells: readonly string[]): string[] => {
  let n = cells.length;
  while (n > 0 && cells[n - 1] === '') n--;
  return cells.slice(0, n);
};

const fit = (cells: readonly string[], n: number): string[] => Array.from({ length: n }, (_, i) => cells[i] ?? '');
