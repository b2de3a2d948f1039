import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DNC_SOURCES, type DncEntry } from '../../dnc/entry.ts';
import { DNC_SORT_COLUMNS, type DncFilter, type DncSortColumn } from '../../dnc/list-query.ts';
import { normalizeContact } from '../../shared/contacts.ts';
import { Errors } from '../../shared/errors.ts';
import { sendCsv } from '../csv.ts';
import type { RoutePlugin } from './index.ts';

export const Entry = z.object({
  id: z.string(),
  contact: z.string().describe('Lower-case email or E.164 phone'),
  contact_kind: z.enum(['email', 'phone']),
  channel: z.string().nullable().describe('null: every channel'),
  sender: z.string().nullable(),
  source: z.enum(DNC_SOURCES),
  added_at: z.date(),
});
const EntryInput = z.object({
  contact: z.string().max(320).describe('An email address, or a phone number in any usual form (+44 1234 567890, 0044-1234-567890)'),
  channel: z.string().max(64).nullable().optional().describe('Omit or null for every channel'),
  sender: z.string().max(200).nullable().optional(),
  source: z.enum(DNC_SOURCES).default('manual'),
});
const AddBody = EntryInput.partial({ contact: true }).extend({
  entries: z.array(EntryInput).min(1).max(10_000).optional().describe('Many entries at once; each is reported added, duplicate or invalid'),
}).refine((b) => (b.contact === undefined) !== (b.entries === undefined), { message: 'send either one entry (contact, ...) or entries: [...]', path: ['contact'] });

const SORTS = [...DNC_SORT_COLUMNS, ...DNC_SORT_COLUMNS.map((c) => `-${c}` as const)] as const;
const CSV_COLUMNS = ['contact', 'contact_kind', 'channel', 'sender', 'source', 'added_at', 'id'] as const satisfies readonly (keyof DncEntry)[];
const Id = z.object({ id: z.uuid() });

const ListQuery = z.object({
  contact: z.string().optional().describe('Exactly this contact (normalised first)'),
  contact_contains: z.string().min(1).max(320).optional().describe('Part of the contact, any case'),
  contact_kind: z.enum(['email', 'phone']).optional(),
  channel: z.string().optional().describe('A channel, or * for the entries that cover every channel'),
  sender: z.string().optional(),
  source: z.enum(DNC_SOURCES).optional(),
  added_after: z.iso.datetime({ offset: true }).optional().describe('Added at or after (ISO 8601)'),
  added_before: z.iso.datetime({ offset: true }).optional().describe('Added before (ISO 8601)'),
  sort: z.enum(SORTS).default('-added_at').describe('A column; a leading - sorts descending'),
  cursor: z.string().optional().describe('next_cursor of the previous page'),
  offset: z.coerce.number().int().min(0).optional().describe('Instead of a cursor: skip this many (the answer then has total)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  format: z.enum(['json', 'csv']).default('json').describe('csv: every matching entry, as a download'),
});

/** The Do-Not-Contact list. */
export const dncRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const dnc = services.dnc;

  r.get('/v1/dnc', {
    config: { scope: 'read' },
    schema: {
      tags: ['dnc'], summary: 'Entries, filtered and sorted by any column, by cursor or offset; format=csv exports them all', querystring: ListQuery,
      response: { 200: z.object({ data: z.array(Entry), next_cursor: z.string().nullable(), total: z.number().optional() }) },
    },
  }, async (req, reply) => {
    const q = req.query;
    if (q.cursor !== undefined && q.offset !== undefined) throw Errors.validation({ message: 'query.offset: give a cursor or an offset, not both', path: 'query.offset' });
    let contact: string | undefined;
    if (q.contact !== undefined) {
      contact = normalizeContact(q.contact)?.value;
      if (!contact) throw Errors.invalidContact({ value: q.contact, path: 'query.contact' });
    }
    const filter: DncFilter = {
      contact, contact_contains: q.contact_contains, contact_kind: q.contact_kind, channel: q.channel, sender: q.sender, source: q.source,
      added_after: q.added_after ? new Date(q.added_after) : undefined, added_before: q.added_before ? new Date(q.added_before) : undefined,
    };
    const sort = { column: q.sort.replace(/^-/, '') as DncSortColumn, desc: q.sort.startsWith('-') };
    const { workspaceId } = req.auth;
    if (q.format === 'csv') return sendCsv(reply, { filename: 'dnc.csv', columns: CSV_COLUMNS, rows: dnc.all({ workspaceId, filter, sort }) });
    return dnc.list({ workspaceId, filter, sort, cursor: q.cursor, offset: q.offset, limit: q.limit });
  });

  r.post('/v1/dnc', {
    config: { scope: 'write' },
    schema: {
      tags: ['dnc'], summary: 'Add one entry (201, or 200 when already listed), or many with entries: [...] (a report per item)', body: AddBody,
      response: {
        200: z.union([
          z.object({ status: z.literal('duplicate'), entry: Entry }),
          z.object({
            added: z.number(), duplicate: z.number(), invalid: z.number(),
            results: z.array(z.object({
              index: z.number(), status: z.enum(['added', 'duplicate', 'invalid']),
              contact: z.string().optional(), id: z.string().optional(), reason: z.string().optional(), path: z.string().optional(),
            })),
          }),
        ]),
        201: z.object({ status: z.literal('added'), entry: Entry }),
      },
    },
  }, async (req, reply) => {
    const { workspaceId } = req.auth;
    const { entries, ...one } = req.body;
    if (entries) return reply.status(200).send(await dnc.addMany(workspaceId, entries));
    const { entry, added } = await dnc.addOne(workspaceId, { ...one, contact: one.contact! });
    return added ? reply.status(201).send({ status: 'added' as const, entry }) : reply.status(200).send({ status: 'duplicate' as const, entry });
  });

  r.get('/v1/dnc/check', {
    config: { scope: 'read' },
    schema: {
      tags: ['dnc'], summary: 'Is a contact on the list (for a channel: for it or for every channel)?',
      querystring: z.object({ contact: z.string(), channel: z.string().optional() }),
      response: { 200: z.object({ contact: z.string(), contact_kind: z.string(), listed: z.boolean(), entries: z.array(Entry) }) },
    },
  }, (req) => dnc.check(req.auth.workspaceId, req.query));

  r.get('/v1/dnc/:id', {
    config: { scope: 'read' },
    schema: { tags: ['dnc'], summary: 'One entry', params: Id, response: { 200: Entry } },
  }, (req) => dnc.get(req.auth.workspaceId, req.params.id));

  r.delete('/v1/dnc/:id', {
    config: { scope: 'write' },
    schema: { tags: ['dnc'], summary: 'Remove one entry', params: Id, response: { 200: z.object({ id: z.string(), removed: z.literal(true) }) } },
  }, async (req) => {
    const out = await dnc.remove(req.auth.workspaceId, { ids: [req.params.id] });
    if (out.removed === 0) throw Errors.notFound({ resource: 'DNC entry', id: req.params.id });
    return { id: req.params.id, removed: true as const };
  });

  r.post('/v1/dnc/remove', {
    config: { scope: 'write' },
    schema: {
      tags: ['dnc'], summary: 'Remove many entries, by id or by contact (every entry of the contact), in one transaction',
      body: z.object({
        ids: z.array(z.string().max(100)).max(10_000).optional(),
        contacts: z.array(z.string().max(320)).max(10_000).optional(),
      }).refine((b) => (b.ids?.length ?? 0) + (b.contacts?.length ?? 0) > 0, { message: 'give ids or contacts', path: ['ids'] }),
      response: {
        200: z.object({
          removed: z.number(), not_found: z.number(), invalid: z.number(),
          results: z.array(z.object({ index: z.number(), status: z.enum(['removed', 'not_found', 'invalid']), value: z.string(), removed: z.number().optional(), reason: z.string().optional() })),
        }),
      },
    },
  }, (req) => dnc.remove(req.auth.workspaceId, req.body));
};
