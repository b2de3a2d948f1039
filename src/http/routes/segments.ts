import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SEGMENT_SORTS } from '../../segments/list.ts';
import type { Member } from '../../segments/members.ts';
import type { ExplainNode } from '../../segments/explain-tree.ts';
import { Errors } from '../../shared/errors.ts';
import { sendCsv } from '../csv.ts';
import type { RoutePlugin } from './index.ts';
import { Name } from './profile-set-schemas.ts';

const Rule = z.unknown()
  .refine((v) => v !== undefined, { message: 'missing rule' })
  .describe('A segment rule (the rule language: groups all / any / not; attribute, event, tag, list, segment, consent and dnc conditions). Segments are referenced by id: { "segment": "<id>" }');
const Usage = z.object({ kind: z.string().describe('campaign | flow'), id: z.string(), name: z.string(), active: z.boolean() });
const Segment = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  rule: z.unknown(),
  predefined: z.boolean().describe('Everyone, Active / Inactive Mobile Users: read-only, may be duplicated'),
  version: z.number().describe('Moves on with every rule change (and when a referenced segment changes)'),
  member_count: z.number(),
  status: z.enum(['ready', 'building', 'invalid']).describe('ready: membership is stored for this version; building: counted live until the worker has built it; invalid: the stored rule no longer validates'),
  used_by: z.array(Usage).describe('Campaigns and flows that use the segment'),
  created_at: z.date(),
  updated_at: z.date(),
});
const MemberView = z.object({
  profile_id: z.string(),
  external_id: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  entered_at: z.date().nullable().describe('null while the segment is building'),
});
const ExplainNodeView: z.ZodType<ExplainNode> = z.lazy(() => z.object({
  kind: z.string(),
  path: z.string().describe('The rule node, as validation errors name it (rule.all[2])'),
  result: z.boolean(),
  detail: z.string().describe('What the node checks and what it saw, e.g. "purchase count in window (within_last 30 day): 2, needed gte 3"'),
  segment_name: z.string().optional(),
  children: z.array(ExplainNodeView).optional(),
})).meta({ id: 'ExplainNode' }); // recursive: only a named component can refer to itself in the OpenAPI document
const MEMBER_COLUMNS = ['profile_id', 'external_id', 'email', 'phone', 'first_name', 'last_name', 'entered_at'] as const satisfies readonly (keyof Member)[];
const SORTS = [...SEGMENT_SORTS, ...SEGMENT_SORTS.map((s) => `-${s}` as const)] as const;
const Id = z.object({ id: z.uuid() });
const Description = z.string().max(2000);

/** Segments: saved rules, their members, a preview for the builder, and why a profile is (not) in one. */
export const segmentRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const segments = services.segments;

  r.get('/v1/segments', {
    config: { scope: 'read' },
    schema: {
      tags: ['segments'], summary: 'Segments with their member counts: search by name, sort by any column, by cursor or offset',
      querystring: z.object({
        q: z.string().max(200).optional().describe('Part of the name, any case'),
        sort: z.enum(SORTS).default('name').describe('name, created_at, updated_at, member_count or used (currently used); a leading - sorts descending'),
        cursor: z.string().max(1000).optional().describe('next_cursor of the previous page'),
        offset: z.coerce.number().int().min(0).optional().describe('Instead of a cursor: skip this many'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      response: { 200: z.object({ data: z.array(Segment), next_cursor: z.string().nullable(), total: z.number() }) },
    },
  }, (req) => {
    const { sort, ...q } = req.query;
    if (q.cursor !== undefined && q.offset !== undefined) throw Errors.validation({ message: 'query.offset: give a cursor or an offset, not both', path: 'query.offset' });
    return segments.list({ ...req.auth, ...q, sort: sort.replace(/^-/, '') as (typeof SEGMENT_SORTS)[number], desc: sort.startsWith('-') });
  });

  r.post('/v1/segments', {
    config: { scope: 'write' },
    schema: {
      tags: ['segments'], summary: 'Create a segment (422 AUD_ERR_RULE_INVALID names the bad rule node, e.g. rule.all[2].op)',
      body: z.object({ name: Name, description: Description.nullable().optional(), rule: Rule }),
      response: { 201: Segment },
    },
  }, async (req, reply) => reply.status(201).send(await segments.create(req.auth, req.body)));

  r.post('/v1/segments/preview', {
    config: { scope: 'read' },
    schema: {
      tags: ['segments'], summary: 'How many profiles match a rule now, and the first 20, without saving anything',
      body: z.object({ rule: Rule }),
      response: {
        200: z.object({
          count: z.number(),
          sample: z.array(z.object({ id: z.string(), external_id: z.string().nullable(), email: z.string().nullable(), first_name: z.string().nullable(), last_name: z.string().nullable() })),
        }),
      },
    },
  }, (req) => segments.preview(req.auth, req.body.rule));

  r.get('/v1/segments/:id', {
    config: { scope: 'read' },
    schema: { tags: ['segments'], summary: 'One segment with its member count and who uses it', params: Id, response: { 200: Segment } },
  }, (req) => segments.get(req.auth, req.params.id));

  r.patch('/v1/segments/:id', {
    config: { scope: 'write' },
    schema: {
      tags: ['segments'], summary: 'Rename, re-describe or change the rule (a rule change moves the version on and is refused while an active campaign or flow uses the segment)',
      params: Id,
      body: z.object({ name: Name.optional(), description: Description.nullable().optional(), rule: z.unknown().optional().describe('A new rule') }),
      response: { 200: Segment },
    },
  }, (req) => segments.update(req.auth, req.params.id, req.body));

  r.delete('/v1/segments/:id', {
    config: { scope: 'write' },
    schema: {
      tags: ['segments'], summary: 'Delete a segment (refused while an active campaign or flow uses it, or another segment references it); its members then exit with cause `deleted`',
      params: Id, response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }) },
    },
  }, async (req) => {
    await segments.delete(req.auth, req.params.id);
    return { id: req.params.id, deleted: true as const };
  });

  r.post('/v1/segments/:id/duplicate', {
    config: { scope: 'write' },
    schema: {
      tags: ['segments'], summary: 'Copy a segment (predefined ones too) under a new id',
      params: Id, body: z.object({ name: Name.optional().describe('Default: "Copy of <name>"') }).nullish(), response: { 201: Segment },
    },
  }, async (req, reply) => reply.status(201).send(await segments.duplicate(req.auth, req.params.id, req.body ?? {})));

  r.get('/v1/segments/:id/members', {
    config: { scope: 'read' },
    schema: {
      tags: ['segments'], summary: 'Members, a page at a time by profile id; `format=csv` downloads all of them', params: Id,
      querystring: z.object({
        cursor: z.string().max(1000).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        format: z.enum(['json', 'csv']).default('json'),
      }),
      response: { 200: z.object({ data: z.array(MemberView), next_cursor: z.string().nullable() }) },
    },
  }, async (req, reply) => {
    if (req.query.format === 'csv') {
      const rows = await segments.allMembers(req.auth, req.params.id);
      return sendCsv(reply, { filename: `segment-${req.params.id}.csv`, columns: MEMBER_COLUMNS, rows });
    }
    return segments.memberPage({ ...req.auth, id: req.params.id, cursor: req.query.cursor, limit: req.query.limit });
  });

  r.get('/v1/segments/:id/explain/:profileId', {
    config: { scope: 'read' },
    schema: {
      tags: ['segments'], summary: 'Why a profile is or is not in the segment now: the rule tree with each node\'s truth and what it saw',
      params: z.object({ id: z.uuid(), profileId: z.uuid() }),
      response: { 200: z.object({ segment_id: z.string(), profile_id: z.string(), at: z.date(), result: z.boolean(), explanation: ExplainNodeView }) },
    },
  }, (req) => segments.explain({ ...req.auth, id: req.params.id, profileId: req.params.profileId }));
};
