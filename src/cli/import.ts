import { createWriteStream, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { stringify } from 'csv-stringify';
import type { Analysis, ReadOptions } from '../imports/analyze.ts';
import { DELIMITERS, HEADER_MODES } from '../imports/analyze.ts';
import { parseMapSpec, targetText } from '../imports/mapping.ts';
import { EMPTY_CELLS, IMPORT_MODES, mappingText, type RunRequest } from '../imports/plan.ts';
import { importProgress } from '../imports/progress.ts';
import { TEXT_ENCODINGS } from '../imports/readers/encoding.ts';
import type { ImportService } from '../imports/service.ts';
import type { ImportRow } from '../imports/store.ts';
import type { Services } from '../services.ts';
import { Errors } from '../shared/errors.ts';
import { withServices } from './context.ts';
import { ProgressDisplay } from './progress.ts';

interface ImportOptions {
  map?: string;
  list?: string;
  tag: string[];
  defaultTag: boolean;
  mode: RunRequest['mode'];
  emptyCells: RunRequest['empty_cells'];
  workspace?: string;
  delimiter?: string;
  encoding?: string;
  sheet?: string;
  skipRows?: number;
  header?: ReadOptions['header'];
  analyze?: boolean;
  resume?: string;
  rejected?: string;
}

const TERMINAL = new Set(['done', 'failed', 'cancelled']);

/**
 * `audience import FILE --map "Email=email,City=city,VIP=tag" [--list NAME] [--mode upsert]`: uploads,
 * analyses and runs an import in this process, with a progress bar; the same import the API runs, so a
 * server sees it, and one this process leaves running (killed) is resumed by a server or `--resume ID`.
 */
export function importCommands(program: Command): void {
  program.command('import')
    .argument('[file]', 'a .csv, .tsv, .txt, .xlsx, or a .zip holding one')
    .description('import profiles from a file (analyse it, map its columns, write it in resumable batches)')
    .option('--map <spec>', 'Column=target pairs, comma-separated; targets: email, phone, external_id, ATTRIBUTE[:TYPE], tag, tag:NAME, tags, consent:CHANNEL, skip (default: the suggested mapping)')
    .option('--list <name>', 'add every imported profile to this list (created when there is none)')
    .option('--tag <name>', 'tag every imported profile (repeatable)', (v: string, acc: string[]) => [...acc, v], [])
    .option('--no-default-tag', 'do not tag imported profiles with the import\'s date and time')
    .option('--mode <mode>', IMPORT_MODES.join(' | '), choice('mode', IMPORT_MODES), 'upsert')
    .option('--empty-cells <what>', 'leave: an empty cell keeps the attribute; clear: it removes it', choice('empty-cells', EMPTY_CELLS), 'leave')
    .option('--workspace <id>', 'the workspace (needed when there are several)')
    .option('--delimiter <char>', 'delimited text: , ; | or tab (default: detected)', (v: string) => choice('delimiter', DELIMITERS)(v === 'tab' ? '\t' : v))
    .option('--encoding <name>', `auto | ${TEXT_ENCODINGS.join(' | ')}`, choice('encoding', ['auto', ...TEXT_ENCODINGS]))
    .option('--sheet <name>', '.xlsx: the sheet to read (default: the first)')
    .option('--skip-rows <n>', 'rows at the top to ignore', (v: string) => nonNegative(v))
    .option('--header <mode>', HEADER_MODES.join(' | '), choice('header', HEADER_MODES))
    .option('--analyze', 'only analyse: columns, types, values that would fail, suggested mapping')
    .option('--resume <importId>', 'go on with an import a stopped process left running')
    .option('--rejected <file>', 'where to write the rejected rows (default: next to FILE, NAME.rejected.csv)')
    .action((file: string | undefined, opts: ImportOptions) =>
      withServices(async (s) => {
        const ws = await workspaceOf(s, opts.workspace);
        const scope = { workspaceId: ws.id, timezone: ws.timezone };
        let imp: ImportRow;
        if (opts.resume) {
          imp = await s.imports.get(ws.id, opts.resume);
          console.log(`Resuming import ${imp.id} (${imp.file_name}) from row ${imp.rows_done}.`);
        } else {
          if (!file) throw Errors.validation({ message: 'give the FILE to import (or --resume ID)', path: 'file' });
          imp = await s.imports.create({ ...scope, file: { path: file, name: basename(file), size: statSync(file).size }, move: false, options: readOptions(opts) });
          printAnalysis(imp.analysis!);
          if (opts.analyze) {
            await s.imports.delete(ws.id, imp.id);
            return;
          }
          const request: RunRequest = {
            mapping: opts.map ? parseMapSpec(opts.map) : undefined, mode: opts.mode, empty_cells: opts.emptyCells,
            ...(opts.list ? { list: { name: opts.list } } : {}), tags: opts.tag, default_tag: opts.defaultTag,
          };
          imp = await s.imports.run({ ...scope, id: imp.id, request, actor: { kind: 'system', id: 'cli' } });
          console.log(`Import ${imp.id}: ${Object.entries(mappingText(imp.plan!.columns)).map(([c, t]) => `${c}=${t}`).join(', ')}`);
        }
        const end = await follow(s.imports, imp, () => s.clock.now());
        const p = importProgress(end, s.clock.now());
        console.log(`${end.status}: ${end.rows_read} rows read, ${end.created} created, ${end.updated} updated, ${end.unchanged} unchanged, ${end.rejected} rejected` +
          `${p.rows_per_second ? ` (${p.rows_per_second.toLocaleString('en-US')} rows/s)` : ''}${end.error ? ` — ${end.error}` : ''}`);
        if (end.rejected > 0) {
          const to = opts.rejected ?? (file ? join(dirname(file), `${basename(file, extname(file))}.rejected.csv`) : `import-${end.id}-rejected.csv`);
          await writeRejected(s.imports, end, to);
          console.log(`Rejected rows and why: ${to}`);
        }
        if (end.status !== 'done') process.exitCode = 1;
      }),
    );
}

/** Runs the import here (or, when a server's worker holds it, watches it) until it ends. */
async function follow(imports: ImportService, imp: ImportRow, now: () => Date): Promise<ImportRow> {
  const display = new ProgressDisplay(process.stdout);
  let row = imp;
  for (;;) {
    const claimed = await imports.worker.runOne({ importId: imp.id, onProgress: (r) => display.update(importProgress(r, now())) });
    row = await imports.get(imp.workspace_id, imp.id);
    if (TERMINAL.has(row.status)) break;
    if (!claimed) {
      // Another process holds it (a server, or the one that was killed, until its lease runs out).
      display.update(importProgress(row, now()));
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  display.update(importProgress(row, now()), true);
  display.end();
  return row;
}

function printAnalysis(a: Analysis): void {
  const how = [a.file.entry ? `${a.file.entry} in ${a.file.name}` : a.file.name, a.encoding, a.delimiter ? `delimiter ${JSON.stringify(a.delimiter)}` : null, a.header_row ? `header on row ${a.header_row}` : 'no header row']
    .filter(Boolean).join(', ');
  console.log(`${how}: ${a.rows.toLocaleString('en-US')} rows, ${a.columns.length} columns`);
  for (const c of a.columns) {
    const fail = c.suggestion.invalid > 0 ? `, ${c.suggestion.invalid} value(s) would fail` : '';
    console.log(`  ${c.name.padEnd(24)} → ${targetText(c.suggestion.target)}${fail}${c.suggestion.note ? ` (${c.suggestion.note})` : ''}`);
  }
  for (const w of a.warnings) console.log(`  warning: ${w}`);
}

async function writeRejected(imports: ImportService, imp: ImportRow, to: string): Promise<void> {
  const names = imp.analysis?.columns.map((c) => c.name) ?? [];
  const out = stringify();
  const file = out.pipe(createWriteStream(to));
  out.write(['row', 'column', 'reason', ...names]);
  for await (const r of imports.rejectedRows(imp.workspace_id, imp.id)) {
    if (!out.write([r.file_row, r.column_name ?? '', r.reason, ...r.cells])) await new Promise((resolve) => out.once('drain', resolve));
  }
  out.end();
  await finished(file);
}

async function workspaceOf(s: Services, id: string | undefined): Promise<{ id: string; timezone: string }> {
  const all = await s.workspaces.list();
  if (id) {
    const ws = all.find((w) => w.id === id);
    if (!ws) throw Errors.notFound({ resource: 'workspace', id });
    return ws;
  }
  if (all.length === 1) return all[0]!;
  throw Errors.validation({
    message: all.length === 0 ? 'there is no workspace yet: audience workspace create NAME' : `there are ${all.length} workspaces; choose one with --workspace (${all.map((w) => `${w.id} ${w.name}`).join('; ')})`,
    path: 'workspace',
  });
}

function readOptions(opts: ImportOptions): Partial<ReadOptions> {
  return {
    ...(opts.delimiter ? { delimiter: opts.delimiter as ReadOptions['delimiter'] } : {}),
    ...(opts.encoding ? { encoding: opts.encoding as ReadOptions['encoding'] } : {}),
    ...(opts.sheet ? { sheet: opts.sheet } : {}),
    ...(opts.skipRows !== undefined ? { skip_rows: opts.skipRows } : {}),
    ...(opts.header ? { header: opts.header } : {}),
  };
}

function choice<T extends string>(name: string, values: readonly T[]): (v: string) => T {
  return (v) => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`--${name} is one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
    return v as T;
  };
}

function nonNegative(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number, 0 or more');
  return n;
}
