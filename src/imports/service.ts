import type { AttributeRegistry } from '../attributes/registry.ts';
import { STANDARD_BY_NAME } from '../attributes/standard.ts';
import type { AttributeType } from '../attributes/types.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Actor, ConsentService } from '../consent/service.ts';
import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { ListService } from '../lists/service.ts';
import type { Clock } from '../shared/clock.ts';
import { AudienceError, Errors } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { type Analysis, analyzeFile, type ReadOptions } from './analyze.ts';
import { tagIdsByName } from './batch.ts';
import { type MappedColumn, mapColumns, type PlanColumn, type RunPlan, type RunRequest, defaultTagName } from './plan.ts';
import { formatOf } from './readers/rows.ts';
import type { ImportFiles, ImportRow } from './store.ts';
import { ImportWorker, type ImportWorkerOptions } from './worker.ts';

const Q = loadQueries('imports', [
  'insert-import', 'get-import', 'list-imports', 'set-analyzing', 'set-analysis', 'start-import', 'cancel-import', 'delete-import', 'page-rejections', 'fail-import',
]);

export const DEFAULT_READ_OPTIONS: ReadOptions = { encoding: 'auto', skip_rows: 0, header: 'auto' };

export interface RejectedRow {
  file_row: number;
  column_name: string | null;
  reason: string;
  cells: string[];
}

type Scope = { workspaceId: string; timezone: string };

/**
 * Profile imports: a file is stored and analysed (analyze.ts), then run with a mapping (plan.ts) by the
 * import worker (worker.ts), batch by batch, resumable. This class is the part the API and the CLI call.
 */
export class ImportService {
  readonly worker: ImportWorker;

  constructor(private readonly deps: {
    db: Db; clock: Clock; attributes: AttributeRegistry; lists: ListService; channels: ChannelRegistry; consent: ConsentService;
    files: ImportFiles; maxUnzippedBytes: number; worker?: ImportWorkerOptions;
  }) {
    this.worker = new ImportWorker({ ...deps, ...deps.worker });
  }

  /**
   * Takes a file (an upload is moved in, a local file copied), and analyses it. A file that can not be
   * read is refused with its error, and nothing is kept.
   */
  async create(args: Scope & { file: { path: string; name: string; size: number }; move: boolean; options?: Partial<ReadOptions> }): Promise<ImportRow> {
    if (!formatOf(args.file.name)) throw Errors.importUnsupportedFile({ name: args.file.name, path: 'file' });
    const id = newId();
    const options = { ...DEFAULT_READ_OPTIONS, ...args.options };
    const path = await this.deps.files.put({ id, from: args.file.path, name: args.file.name, move: args.move });
    const [row] = await this.deps.db.query<ImportRow>(Q['insert-import'], [id, args.workspaceId, args.file.name, path, args.file.size, options, this.deps.clock.now()]);
    try {
      return await this.analyzeRow(args, row!);
    } catch (err) {
      await this.deps.db.query(Q['delete-import'], [args.workspaceId, id]);
      await this.deps.files.remove(path);
      throw err;
    }
  }

  /** Analyses the file again with other read options (delimiter, sheet, rows to skip, header, encoding). */
  async analyze(args: Scope & { id: string; options: Partial<ReadOptions> }): Promise<ImportRow> {
    const current = await this.get(args.workspaceId, args.id);
    const options = { ...current.options, ...args.options };
    const [row] = await this.deps.db.query<ImportRow>(Q['set-analyzing'], [args.workspaceId, args.id, options, this.deps.clock.now()]);
    if (!row) throw Errors.importState({ id: args.id, status: current.status, action: 'be analysed again' });
    return this.analyzeRow(args, row);
  }

  /** Starts the run: the mapping is checked, its attributes, tags and list created, and the plan fixed. */
  async run(args: Scope & { id: string; request: RunRequest; actor: Actor }): Promise<ImportRow> {
    const { workspaceId, request } = args;
    const imp = await this.get(workspaceId, args.id);
    if (imp.status !== 'ready' || !imp.analysis) throw Errors.importState({ id: imp.id, status: imp.status, action: 'run (only a ready import can)' });
    const analysis = imp.analysis;
    const mapped = mapColumns({ analysis, mapping: request.mapping, existing: await this.customTypes(workspaceId) });
    for (const c of mapped) {
      if (c.kind === 'consent') await this.deps.channels.assertKnown(this.deps.db, { workspaceId, channel: c.channel, path: `mapping[${JSON.stringify(c.name)}]` });
    }
    const now = this.deps.clock.now();
    const defaultTag = request.default_tag ? defaultTagName(now, args.timezone) : null;
    const tagNames = [...new Set([...(defaultTag ? [defaultTag] : []), ...request.tags.map((t) => t.trim()).filter((t) => t !== '')])];
    const columns = await this.prepareColumns(workspaceId, mapped, now);
    const tags = await this.tags(workspaceId, tagNames, now);
    const plan: RunPlan = {
      mode: request.mode, empty_cells: request.empty_cells, timezone: args.timezone,
      read: {
        ...(analysis.delimiter ? { delimiter: analysis.delimiter } : {}),
        ...(analysis.encoding ? { encoding: analysis.encoding === 'utf-8-bom' ? 'utf-8' : analysis.encoding } : {}),
        ...(imp.options.sheet ? { sheet: imp.options.sheet } : {}),
      },
      data_after: analysis.data_after, width: analysis.columns.length, columns,
      list: request.list ? await this.resolveList(workspaceId, request.list) : null,
      tags: tagNames.map((name) => ({ id: tags.get(name)!, name })),
      default_tag: defaultTag,
      actor: args.actor,
    };
    const [row] = await this.deps.db.query<ImportRow>(Q['start-import'], [workspaceId, imp.id, plan, now]);
    if (!row) throw Errors.importState({ id: imp.id, status: (await this.get(workspaceId, imp.id)).status, action: 'run (only a ready import can)' });
    this.worker.nudge();
    return row;
  }

  async get(workspaceId: string, id: string): Promise<ImportRow> {
    const [row] = await this.deps.db.query<ImportRow>(Q['get-import'], [workspaceId, id]);
    if (!row) throw Errors.notFound({ resource: 'import', id });
    return row;
  }

  list(workspaceId: string, limit = 100): Promise<ImportRow[]> {
    return this.deps.db.query<ImportRow>(Q['list-imports'], [workspaceId, limit]);
  }

  /** Stops an import that has not ended (a running one after its current batch); rows already in stay. */
  async cancel(workspaceId: string, id: string): Promise<ImportRow> {
    const [row] = await this.deps.db.query<ImportRow>(Q['cancel-import'], [workspaceId, id, this.deps.clock.now()]);
    if (!row) throw Errors.importState({ id, status: (await this.get(workspaceId, id)).status, action: 'be cancelled' });
    await this.deps.files.remove(row.file_path);
    return row;
  }

  /** Deletes an import that is not running (with its file and rejected rows); its profiles stay. */
  async delete(workspaceId: string, id: string): Promise<void> {
    const imp = await this.get(workspaceId, id);
    if (imp.status === 'running') throw Errors.importState({ id, status: imp.status, action: 'be deleted (cancel it first)' });
    await this.deps.db.query(Q['delete-import'], [workspaceId, id]);
    await this.deps.files.remove(imp.file_path);
  }

  /** The rejected rows in file order, a page at a time (memory stays flat for a CSV download). */
  async *rejectedRows(workspaceId: string, id: string): AsyncGenerator<RejectedRow> {
    await this.get(workspaceId, id);
    let after = 0;
    for (;;) {
      const page = await this.rejectedPage(id, { after, limit: 1000 });
      yield* page;
      if (page.length < 1000) return;
      after = page.at(-1)!.file_row;
    }
  }

  /** One page of rejected rows after a file row number (the console shows them with their reasons). */
  async rejectedRowsPage(workspaceId: string, id: string, page: { after: number; limit: number }): Promise<RejectedRow[]> {
    await this.get(workspaceId, id);
    return this.rejectedPage(id, page);
  }

  private rejectedPage(id: string, page: { after: number; limit: number }): Promise<RejectedRow[]> {
    return this.deps.db.query<RejectedRow>(Q['page-rejections'], [id, page.after, page.limit]);
  }

  private async analyzeRow(scope: Scope, row: ImportRow): Promise<ImportRow> {
    let analysis: Analysis;
    try {
      analysis = await analyzeFile({
        file: { path: row.file_path, name: row.file_name }, options: row.options, timezone: scope.timezone,
        existing: await this.customTypes(scope.workspaceId), maxUnzippedBytes: this.deps.maxUnzippedBytes,
      });
    } catch (err) {
      // A read option that does not fit (a sheet that is not there) leaves the import ready to try again.
      if (err instanceof AudienceError && row.analysis) {
        await this.deps.db.query(Q['set-analysis'], [row.id, row.analysis, row.total_rows, this.deps.clock.now()]);
      } else if (!(err instanceof AudienceError)) {
        await this.deps.db.query(Q['fail-import'], [row.id, 'the analysis failed; see the server log', this.deps.clock.now()]);
      }
      throw err;
    }
    const [ready] = await this.deps.db.query<ImportRow>(Q['set-analysis'], [row.id, analysis, analysis.rows, this.deps.clock.now()]);
    if (!ready) throw Errors.importState({ id: row.id, status: (await this.get(scope.workspaceId, row.id)).status, action: 'be analysed' });
    return ready;
  }

  /** Creates the custom attributes and tags the columns need, and gives each column its final form. */
  private async prepareColumns(workspaceId: string, mapped: readonly MappedColumn[], now: Date): Promise<PlanColumn[]> {
    const wanted = mapped.flatMap((c) => (c.kind === 'attribute' && !STANDARD_BY_NAME.has(c.attribute) ? [{ name: c.attribute, type: c.type }] : []));
    const types = await this.deps.attributes.ensure(workspaceId, wanted);
    const tags = await this.tags(workspaceId, mapped.flatMap((c) => (c.kind === 'tag' ? [c.tag] : [])), now);
    return mapped.map((c): PlanColumn => {
      if (c.kind === 'tag') return { ...c, tag: { id: tags.get(c.tag)!, name: c.tag } };
      if (c.kind === 'attribute') return { ...c, type: STANDARD_BY_NAME.get(c.attribute)?.type ?? types.get(c.attribute) ?? c.type };
      return c;
    });
  }

  private tags(workspaceId: string, names: readonly string[], now: Date): Promise<Map<string, string>> {
    return this.deps.db.transaction((tx) => tagIdsByName(tx, { workspaceId, now, names }));
  }

  /** The list every imported profile joins: by id, or by name (created when there is none). */
  private async resolveList(workspaceId: string, ref: { id: string } | { name: string }): Promise<{ id: string; name: string }> {
    if ('id' in ref) {
      const l = await this.deps.lists.get(workspaceId, ref.id);
      return { id: l.id, name: l.name };
    }
    const name = ref.name.trim();
    const find = async () => (await this.deps.lists.list(workspaceId)).find((l) => l.name === name);
    let found = await find();
    if (!found) {
      try {
        found = await this.deps.lists.create(workspaceId, { name });
      } catch (err) {
        if (!(err instanceof AudienceError && err.code === Errors.nameTaken.code)) throw err;
        found = await find(); // created by someone else meanwhile
      }
    }
    return { id: found!.id, name: found!.name };
  }

  /** The workspace's custom attributes and their types. */
  private async customTypes(workspaceId: string): Promise<Map<string, AttributeType>> {
    return new Map((await this.deps.attributes.list(workspaceId)).filter((a) => !a.standard).map((a) => [a.name, a.type]));
  }
}
