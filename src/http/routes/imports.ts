import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ATTRIBUTE_TYPES } from '../../attributes/types.ts';
import { actorOf } from '../actor.ts';
import { DELIMITERS, HEADER_MODES } from '../../imports/analyze.ts';
import { FIT_KINDS } from '../../imports/columns.ts';
import { IMPORT_IDENTIFIERS } from '../../imports/mapping.ts';
import { EMPTY_CELLS, IMPORT_MODES, mappingText } from '../../imports/plan.ts';
import { importProgress } from '../../imports/progress.ts';
import { TEXT_ENCODINGS } from '../../imports/readers/encoding.ts';
import { IMPORT_STATUSES, type ImportRow } from '../../imports/store.ts';
import { Errors } from '../../shared/errors.ts';
import { sendCsvArrays } from '../csv.ts';
import { toJsonPath } from '../json-path.ts';
import { receiveUpload } from '../upload.ts';
import type { RoutePlugin } from './index.ts';
import { Name } from './profile-set-schemas.ts';

const ReadOptions = z.object({
  delimiter: z.enum(DELIMITERS).optional().describe('Delimited text: detected unless given'),
  encoding: z.enum(['auto', ...TEXT_ENCODINGS]).optional().describe('auto: UTF-8 (with or without BOM) unless a byte sequence is not, then Latin-1 (Windows-1252)'),
  sheet: z.string().min(1).max(200).optional().describe('.xlsx: the sheet to read (default the first)'),
  skip_rows: z.coerce.number().int().min(0).max(1_000_000).optional().describe('Rows at the top to ignore before the header or the data'),
  header: z.enum(HEADER_MODES).optional().describe('auto: the first row is the header when none of its cells looks like a value'),
});

const TargetObject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('identifier'), identifier: z.enum(IMPORT_IDENTIFIERS) }),
  z.object({ kind: z.literal('attribute'), name: z.string().min(1).max(64), type: z.enum(ATTRIBUTE_TYPES).optional(), date_order: z.enum(['dmy', 'mdy']).optional() }),
  z.object({ kind: z.literal('tag'), name: z.string().min(1).max(200).optional() }),
  z.object({ kind: z.literal('tags') }),
  z.object({ kind: z.literal('consent'), channel: z.string().min(1).max(64) }),
  z.object({ kind: z.literal('skip') }),
]);
const Target = z.union([
  z.string().max(300).describe('Short form: email | phone | external_id | skip | tag | tag:NAME | tags | consent:CHANNEL | ATTRIBUTE | ATTRIBUTE:TYPE (date:dmy, date:mdy)'),
  TargetObject,
]);

const RunBody = z.object({
  mapping: z.record(z.string(), Target).optional().describe('Column name → target; columns left out are skipped. Absent: the suggested mapping'),
  mode: z.enum(IMPORT_MODES).default('upsert'),
  empty_cells: z.enum(EMPTY_CELLS).default('leave').describe('clear: an empty cell removes the attribute. Identifiers, tags, lists and consent are never cleared'),
  list: z.union([z.object({ id: z.uuid() }), z.object({ name: Name })]).optional().describe('Every imported profile joins this list (by id, or by name: created when there is none)'),
  tags: z.array(Name).max(20).default([]).describe('Tags for every imported profile'),
  default_tag: z.boolean().default(true).describe('Also tag every imported profile "import YYYY-MM-DD HH:MM" (the import\'s date and time)'),
});

const Column = z.object({
  index: z.number(),
  name: z.string(),
  facts: z.object({
    non_empty: z.number(),
    fits: z.object(Object.fromEntries(FIT_KINDS.map((k) => [k, z.number()])) as Record<(typeof FIT_KINDS)[number], z.ZodNumber>)
      .describe('How many non-empty values each kind of column would accept'),
    date_order: z.enum(['dmy', 'mdy']),
    date_order_proved: z.boolean(),
    inferred_type: z.enum(ATTRIBUTE_TYPES),
    phone_like: z.number(),
    examples: z.array(z.string()),
  }),
  suggestion: z.object({ target: TargetObject, invalid: z.number().describe('Values the suggested target would reject'), note: z.string().optional() }),
});
const Analysis = z.object({
  file: z.object({ name: z.string(), format: z.string(), entry: z.string().optional(), ignored_entries: z.array(z.string()) }),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  sheet: z.string().nullable(),
  skip_rows: z.number(),
  header_row: z.number().nullable(),
  data_after: z.number(),
  rows: z.number(),
  blank_rows: z.number(),
  broken_rows: z.number(),
  columns: z.array(Column),
  preview: z.array(z.object({ row: z.number(), cells: z.array(z.string()) })),
  warnings: z.array(z.string()),
});

const ImportView = z.object({
  id: z.string(),
  status: z.enum(IMPORT_STATUSES),
  file: z.object({ name: z.string(), size: z.number() }),
  options: z.object({ delimiter: z.string().optional(), encoding: z.string(), sheet: z.string().optional(), skip_rows: z.number(), header: z.string() }),
  analysis: Analysis.nullable().optional(),
  settings: z.object({
    mode: z.enum(IMPORT_MODES),
    empty_cells: z.enum(EMPTY_CELLS),
    mapping: z.record(z.string(), z.string()).describe('Mapped columns (short form)'),
    list: z.object({ id: z.string(), name: z.string() }).nullable(),
    tags: z.array(z.string()),
    default_tag: z.string().nullable(),
  }).nullable(),
  progress: z.object({
    rows_total: z.number().nullable(), rows_read: z.number(), percent: z.number().nullable(),
    rows_per_second: z.number().nullable(), eta_seconds: z.number().nullable(),
  }),
  counts: z.object({ read: z.number(), created: z.number(), updated: z.number(), unchanged: z.number(), rejected: z.number() }),
  rejected_rows_url: z.string(),
  error: z.string().nullable(),
  created_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
});

const Id = z.object({ id: z.uuid() });

const RejectionsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe('Rows after this file row number (the last `row` of the previous page)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const Rejection = z.object({
  row: z.number().describe('The row number in the file (the header is row 1)'),
  column: z.string().nullable().describe('The column whose cell was refused; null for a row refused as a whole'),
  reason: z.string(),
  cells: z.array(z.string()).describe('The row as it was in the file'),
});

function toView(row: ImportRow, now: Date, withAnalysis: boolean): z.infer<typeof ImportView> {
  const plan = row.plan;
  return {
    id: row.id, status: row.status,
    file: { name: row.file_name, size: row.file_size },
    options: row.options,
    ...(withAnalysis ? { analysis: row.analysis } : {}),
    settings: plan && {
      mode: plan.mode, empty_cells: plan.empty_cells,
      mapping: mappingText(plan.columns),
      list: plan.list, tags: plan.tags.map((t) => t.name), default_tag: plan.default_tag,
    },
    progress: importProgress(row, now),
    counts: { read: row.rows_read, created: row.created, updated: row.updated, unchanged: row.unchanged, rejected: row.rejected },
    rejected_rows_url: `/v1/imports/${row.id}/rejected`,
    error: row.error, created_at: row.created_at, started_at: row.started_at, finished_at: row.finished_at,
  };
}


const UPLOAD = `multipart/form-data: \`file\` (.csv, .tsv, .txt, .xlsx, or a .zip holding one; only its first file is read)
and optional fields \`delimiter\`, \`encoding\`, \`sheet\`, \`skip_rows\`, \`header\`. The file is analysed at once:
the answer has the columns, the first rows, a suggested mapping and, per column, the values that would fail.`;

/** Profile imports: upload and analyse, run with a mapping, follow, cancel, download the rejected rows. */
export const importRoutes: RoutePlugin = async (app, { services }) => {
  await app.register(multipart);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const imports = services.imports;
  const now = () => services.clock.now();

  r.post('/v1/imports', {
    config: { scope: 'write' },
    schema: { tags: ['imports'], summary: 'Upload a file of profiles (streamed to disk) and analyse it', description: UPLOAD, response: { 201: ImportView } },
  }, async (req, reply) => {
    const upload = await receiveUpload(req, { maxBytes: services.limits.profileImportMaxBytes });
    try {
      const parsed = ReadOptions.safeParse(upload.fields);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const path = toJsonPath(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
        throw Errors.validation({ message: `${path}: ${issue.message}`, path });
      }
      const row = await imports.create({ workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, file: upload, move: true, options: definedOnly(parsed.data) });
      return reply.status(201).send(toView(row, now(), true));
    } finally {
      await upload.cleanup();
    }
  });

  r.get('/v1/imports', {
    config: { scope: 'read' },
    schema: { tags: ['imports'], summary: 'The workspace\'s imports, newest first (without their analysis)', response: { 200: z.object({ data: z.array(ImportView) }) } },
  }, async (req) => ({ data: (await imports.list(req.auth.workspaceId)).map((row) => toView(row, now(), false)) }));

  r.get('/v1/imports/:id', {
    config: { scope: 'read' },
    schema: { tags: ['imports'], summary: 'An import: status, analysis, settings, progress (rows/s, ETA) and counts', params: Id, response: { 200: ImportView } },
  }, async (req) => toView(await imports.get(req.auth.workspaceId, req.params.id), now(), true));

  r.post('/v1/imports/:id/analyze', {
    config: { scope: 'write' },
    schema: { tags: ['imports'], summary: 'Analyse the file again with other read options (delimiter, encoding, sheet, skip_rows, header)', params: Id, body: ReadOptions, response: { 200: ImportView } },
  }, async (req) => toView(await imports.analyze({ workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, id: req.params.id, options: definedOnly(req.body) }), now(), true));

  r.post('/v1/imports/:id/run', {
    config: { scope: 'write' },
    schema: { tags: ['imports'], summary: 'Run a ready import with a mapping; it goes on in the background (202)', params: Id, body: RunBody, response: { 202: ImportView } },
  }, async (req, reply) => {
    const row = await imports.run({ workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, id: req.params.id, request: req.body, actor: actorOf(req) });
    return reply.status(202).send(toView(row, now(), false));
  });

  r.post('/v1/imports/:id/cancel', {
    config: { scope: 'write' },
    schema: { tags: ['imports'], summary: 'Cancel an import; a running one stops after its current batch (rows already in stay)', params: Id, response: { 200: ImportView } },
  }, async (req) => toView(await imports.cancel(req.auth.workspaceId, req.params.id), now(), false));

  r.delete('/v1/imports/:id', {
    config: { scope: 'write' },
    schema: { tags: ['imports'], summary: 'Delete an import that is not running, with its file and rejected rows (its profiles stay)', params: Id, response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }) } },
  }, async (req) => {
    await imports.delete(req.auth.workspaceId, req.params.id);
    return { id: req.params.id, deleted: true as const };
  });

  r.get('/v1/imports/:id/rejections', {
    config: { scope: 'read' },
    schema: {
      tags: ['imports'], summary: 'The rejected rows as JSON, a page at a time in file order (the CSV download has them all)',
      params: Id, querystring: RejectionsQuery,
      response: { 200: z.object({ data: z.array(Rejection), next_after: z.number().nullable().describe('`after` for the next page; null on the last') }) },
    },
  }, async (req) => {
    const { after, limit } = req.query;
    // One row more than asked tells whether there is a next page.
    const rows = await imports.rejectedRowsPage(req.auth.workspaceId, req.params.id, { after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return {
      data: page.map((r) => ({ row: r.file_row, column: r.column_name, reason: r.reason, cells: r.cells })),
      next_after: rows.length > limit ? page.at(-1)!.file_row : null,
    };
  });

  r.get('/v1/imports/:id/rejected', {
    config: { scope: 'read' },
    schema: { tags: ['imports'], summary: 'The rejected rows as CSV: row number, column, reason, then the row as it was', params: Id },
  }, async (req, reply) => {
    const imp = await imports.get(req.auth.workspaceId, req.params.id);
    const names = imp.analysis?.columns.map((c) => c.name) ?? [];
    const header = ['row', 'column', 'reason', ...names];
    async function* rows() {
      for await (const r of imports.rejectedRows(req.auth.workspaceId, imp.id)) {
        const cells = r.cells.length > names.length ? r.cells : [...r.cells, ...Array(names.length - r.cells.length).fill('')];
        yield [r.file_row, r.column_name ?? '', r.reason, ...cells];
      }
    }
    return sendCsvArrays(reply, { filename: `import-${imp.id}-rejected.csv`, header, rows: rows() });
  });
};

/** Drops keys whose value is undefined (zod keeps optional keys as undefined). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
