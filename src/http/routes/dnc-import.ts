import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DncImportOptions } from '../../dnc/import.ts';
import { openRowFile } from '../../imports/readers/open.ts';
import { Errors } from '../../shared/errors.ts';
import { toJsonPath } from '../json-path.ts';
import { receiveUpload } from '../upload.ts';
import type { RoutePlugin } from './index.ts';

const ColumnRef = z.union([z.string().min(1), z.number().int().min(1)]).describe('A header (any case) or a 1-based column number');
const Fields = z.object({
  skip_rows: z.coerce.number().int().min(0).max(1_000_000).default(0),
  header: z.enum(['auto', 'yes', 'no']).default('auto'),
  mapping: z.string().default('{}').transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON; e.g. {"contact":"Phone","channel":2}' });
      return z.NEVER;
    }
  }).pipe(z.object({ contact: ColumnRef.optional(), channel: ColumnRef.optional(), sender: ColumnRef.optional() }).strict()),
  channel: z.string().max(64).optional(),
  sender: z.string().max(200).optional(),
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
});

const Report = z.object({
  dry_run: z.boolean(),
  file: z.object({ name: z.string(), format: z.string(), entry: z.string().optional(), ignored_entries: z.array(z.string()) }),
  rows: z.number(), added: z.number(), duplicate: z.number(), invalid: z.number(), blank: z.number(),
  invalid_rows: z.array(z.object({ row: z.number(), reason: z.string(), value: z.string() })),
  sample: z.array(z.object({ row: z.number(), contact: z.string(), channel: z.string().nullable(), sender: z.string().nullable() })),
  warnings: z.array(z.string()),
});

const DESCRIPTION = `multipart/form-data: \`file\` (.txt, .csv, .xlsx, or a .zip holding one; only its first file is read),
and optional fields \`skip_rows\`, \`header\` (auto|yes|no), \`mapping\` (JSON: {"contact": "Phone", "channel": 2, "sender": "From"}),
\`channel\` and \`sender\` (for every row without them), \`delimiter\`.`;

/** Imports into the DNC list from a file, and the dry-run analysis of one. */
export const dncImportRoutes: RoutePlugin = async (app, { services }) => {
  // Multipart only for the routes of this plugin (fastify-plugin'd, so it stays in this context).
  await app.register(multipart);
  const r = app.withTypeProvider<ZodTypeProvider>();

  const run = async (req: FastifyRequest, dryRun: boolean) => {
    const upload = await receiveUpload(req, { maxBytes: services.limits.importMaxBytes });
    try {
      const parsed = Fields.safeParse(upload.fields);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const path = toJsonPath(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
        throw Errors.validation({ message: `${path}: ${issue.message}`, path });
      }
      const f = parsed.data;
      const options: DncImportOptions = {
        skipRows: f.skip_rows, header: f.header, mapping: f.mapping, channel: f.channel?.trim() || null, sender: f.sender?.trim() || null, dryRun,
      };
      const file = await openRowFile({ path: upload.path, name: upload.name }, { delimiter: f.delimiter });
      return await services.dnc.importFile({ workspaceId: req.auth.workspaceId, file, options });
    } finally {
      await upload.cleanup();
    }
  };

  r.post('/v1/dnc/import', {
    config: { scope: 'write' },
    schema: { tags: ['dnc'], summary: 'Import contacts into the list (all or nothing; nothing listed is changed or removed)', description: DESCRIPTION, response: { 200: Report } },
  }, (req) => run(req, false));

  r.post('/v1/dnc/import/analyze', {
    config: { scope: 'write' },
    schema: { tags: ['dnc'], summary: 'Dry run: what an import would add, and which rows are invalid (row number and reason)', description: DESCRIPTION, response: { 200: Report } },
  }, (req) => run(req, true));
};
