import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { filterNode } from '../../profiles/filters.ts';
import { PROFILE_CSV_COLUMNS, type ProfileCsvRow } from '../../profiles/service.ts';
import { ProfileSegments } from '../../segments/profile-segments.ts';
import { Errors } from '../../shared/errors.ts';
import { sendCsv } from '../csv.ts';
import { rejectUnstorableInput } from '../text-guard.ts';
import type { RoutePlugin } from './index.ts';

const Identifier = z.object({ kind: z.enum(['external_id', 'email', 'phone', 'anonymous_id']), value: z.string() });
const Attributes = z.record(z.string(), z.unknown());
const Profile = z.object({
  id: z.string().describe('Profile id (uuid, time-ordered)'),
  external_id: z.string().nullable(),
  identifiers: z.array(Identifier),
  attributes: Attributes.describe('Standard and custom attributes, in their types; age is derived from birthdate'),
  created_at: z.date(),
  updated_at: z.date(),
});
const Event = z.object({
  message_id: z.string(),
  name: z.string(),
  ts: z.date(),
  properties: Attributes,
  context: Attributes.nullable(),
  received_at: z.date(),
});
const ProfileDetail = Profile.extend({
  tags: z.array(z.string()),
  lists: z.array(z.object({ id: z.string(), name: z.string() })),
  consent: z.record(z.string(), z.object({ status: z.string(), source: z.string(), updated_at: z.string() })).describe('By channel; a channel never asked is absent'),
  events: z.array(Event).describe('The latest 20 events, newest first'),
  dnc: z.array(z.object({
    contact: z.string(), channel: z.string().nullable().describe('null: every channel'), sender: z.string().nullable(), source: z.string(), added_at: z.date(),
  })).describe("Do-Not-Contact entries of the profile's email or phone"),
});

const Id = z.union([z.string().min(1).max(255), z.number()]);
const identifierFields = {
  email: z.string().max(320).optional().describe('Trimmed, lower-cased; also stored as the email attribute'),
  phone: z.union([z.string().max(64), z.number()]).optional().describe('Normalised to E.164; also stored as the phone attribute'),
  anonymousId: Id.optional(),
  attributes: Attributes.optional().describe('Merged into the profile; null clears an attribute; unknown names become custom attributes'),
};
const ProfileId = z.object({ id: z.uuid() });
const ProfileSegment = z.object({
  id: z.string(),
  name: z.string(),
  predefined: z.boolean(),
  status: z.enum(['ready', 'building']).describe('ready: from the stored membership; building: the segment is being (re)built, so it was evaluated now for this profile'),
  entered_at: z.date().nullable().describe('When the profile entered; null when only the live evaluation knows'),
});
const page = {
  cursor: z.string().max(1000).optional().describe('next_cursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};

/** Profiles: upsert by identifier, read, search, patch, erase; a profile's timeline. */
export const profileRoutes: RoutePlugin = async (app, { services }) => {
  app.addHook('preValidation', rejectUnstorableInput);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const profiles = services.profiles;

  r.put('/v1/profiles/:externalId', {
    config: { scope: 'write' },
    schema: {
      tags: ['profiles'], summary: 'Create or update the profile with this external id (201 created, 200 updated)',
      params: z.object({ externalId: z.string().min(1).max(255) }),
      body: z.object(identifierFields),
      response: { 200: Profile, 201: Profile },
    },
  }, async (req, reply) => {
    const { externalId } = req.params;
    const { attributes, ...ids } = req.body;
    const { profile, created } = await profiles.upsert({
      workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, identifiers: { ...ids, externalId }, paths: { externalId: 'params.externalId' }, attributes,
    });
    return reply.status(created ? 201 : 200).send(profile);
  });

  r.post('/v1/profiles', {
    config: { scope: 'write' },
    schema: {
      tags: ['profiles'], summary: 'Create or update the profile found by any identifier given (201 created, 200 updated)',
      description: 'Identifiers: externalId, email, phone, anonymousId (and email/phone inside attributes). Identifiers that belong to two different profiles are a 409 that names them.',
      body: z.object({ externalId: Id.optional(), ...identifierFields }),
      response: { 200: Profile, 201: Profile },
    },
  }, async (req, reply) => {
    const { attributes, ...ids } = req.body;
    const { profile, created } = await profiles.upsert({ workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, identifiers: ids, attributes });
    return reply.status(created ? 201 : 200).send(profile);
  });

  const Many = z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).max(50)]).optional();
  r.get('/v1/profiles', {
    config: { scope: 'read' },
    schema: {
      tags: ['profiles'], summary: 'List profiles in creation order, search them, or filter them (with the matching count); `format=csv` downloads every match',
      description: 'Quick filters (repeatable; each one must hold, repeated country/city/gender mean any of the values): tag (name), list (name), segment (id), '
        + 'country, city, gender, consent (`channel:status`). `rule` is any segment rule as JSON text, ANDed with the quick filters. '
        + 'With a filter the page comes with `total`, the number of matching profiles.',
      querystring: z.object({
        q: z.string().max(200).optional().describe('An identifier (exact or prefix) or a first/last name prefix, case-insensitive'),
        tag: Many, list: Many, segment: Many, country: Many, city: Many, gender: Many,
        consent: Many.describe('channel:status, e.g. email:subscribed'),
        rule: z.string().max(100_000).optional().describe('A segment rule as JSON text'),
        format: z.enum(['json', 'csv']).default('json'),
        ...page,
      }),
      response: { 200: z.object({ data: z.array(Profile), next_cursor: z.string().nullable(), total: z.number().optional() }) },
    },
  }, async (req, reply) => {
    const { q, format, cursor, limit, ...filters } = req.query;
    const scope = { workspaceId: req.auth.workspaceId, timezone: req.auth.timezone };
    const node = await filterNode(services, scope.workspaceId, filters);
    if (node && q?.trim()) throw Errors.validation({ message: 'query.q: search can not be combined with filters; use a rule instead', path: 'query.q' });
    if (format === 'csv') {
      if (q?.trim()) throw Errors.validation({ message: 'query.q: the CSV export takes filters, not a search', path: 'query.q' });
      return sendCsv<ProfileCsvRow>(reply, { filename: 'profiles.csv', columns: PROFILE_CSV_COLUMNS, rows: profiles.csvRows({ ...scope, node }) });
    }
    if (node) return profiles.listMatching({ ...scope, node, cursor, limit });
    return profiles.list({ ...scope, q, cursor, limit });
  });

  r.get('/v1/profiles/:id', {
    config: { scope: 'read' },
    schema: {
      tags: ['profiles'], summary: 'One profile: identifiers, attributes, tags, lists, consent, Do-Not-Contact entries and latest events',
      params: ProfileId, response: { 200: ProfileDetail },
    },
  }, async (req) => {
    const profile = await profiles.get({ workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, id: req.params.id });
    const addresses = profile.identifiers.filter((i) => i.kind === 'email' || i.kind === 'phone').map((i) => i.value);
    for (const a of [profile.attributes.email, profile.attributes.phone]) if (typeof a === 'string') addresses.push(a);
    const entries = await services.dnc.entriesFor(req.auth.workspaceId, [...new Set(addresses)]);
    const dnc = entries.map((e) => ({ contact: e.contact, channel: e.channel, sender: e.sender, source: e.source, added_at: e.added_at }));
    return { ...profile, dnc };
  });

  r.patch('/v1/profiles/:id', {
    config: { scope: 'write' },
    schema: {
      tags: ['profiles'], summary: 'Merge attributes into a profile (null clears one)',
      params: ProfileId, body: z.object({ attributes: Attributes }), response: { 200: Profile },
    },
  }, (req) => profiles.patch({ workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, id: req.params.id, attributes: req.body.attributes }));

  r.delete('/v1/profiles/:id', {
    config: { scope: 'write' },
    schema: {
      tags: ['profiles'], summary: 'Erase a profile (GDPR): the profile, its identifiers, events, tags, lists and consent',
      params: ProfileId,
      response: { 200: z.object({ id: z.string(), deleted: z.record(z.string(), z.number()).describe('Rows removed, by kind') }) },
    },
  }, (req) => profiles.erase({ workspaceId: req.auth.workspaceId, id: req.params.id }));

  const segments = new ProfileSegments(services);
  r.get('/v1/profiles/:id/segments', {
    config: { scope: 'read' },
    schema: {
      tags: ['profiles'], summary: 'The segments a profile is in, by name, with when it entered each',
      description: 'Built segments answer from the stored membership; a segment still building is evaluated now for this profile.',
      params: ProfileId, response: { 200: z.object({ data: z.array(ProfileSegment) }) },
    },
  }, async (req) => ({ data: await segments.of({ workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, profileId: req.params.id }) }));

  r.get('/v1/profiles/:id/events', {
    config: { scope: 'read' },
    schema: {
      tags: ['profiles'], summary: "A profile's events, newest first",
      params: ProfileId,
      querystring: z.object({ name: z.string().min(1).max(200).optional().describe('Only this event name'), ...page }),
      response: { 200: z.object({ data: z.array(Event), next_cursor: z.string().nullable() }) },
    },
  }, (req) => profiles.events({ workspaceId: req.auth.workspaceId, id: req.params.id, ...req.query }));
};
