/**
 * The API's shapes, as the console uses them: each one is read from web/src/api-schema.ts, which
 * `npm run types:web` generates from the routes' OpenAPI document, so a route that changes what it
 * answers breaks the console's typecheck instead of drifting silently. Nothing here is written by hand
 * except Page<T>, the console's name for the envelope every paged list shares (checked below).
 */
import type { components, paths } from './api-schema.ts';

type Json<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? R : never;
/** What `M P` answers with, for one of its statuses (200 unless given): also for a page's one-off answers. */
export type Res<P extends keyof paths, M extends keyof paths[P], S extends keyof Responses<P, M> = 200 & keyof Responses<P, M>> =
  Json<Responses<P, M>[S]>;
/** One item of what `GET P` answers in its `data` array. */
type Item<P extends keyof paths> = Res<P, 'get' & keyof paths[P]> extends { data: (infer T)[] } ? T : never;

/** GET /v1/session: user, workspace and token all null when no one is signed in. */
export type SessionAnswer = Res<'/v1/session', 'get'>;
/** A signed-in session: what signing in answers, and GET once someone is. */
export type Session = Res<'/v1/session', 'post'>;
export type Role = NonNullable<Session['user']>['role'];

export type Attribute = Item<'/v1/attributes'>;
export type AttributeType = Attribute['type'];

export type Profile = Item<'/v1/profiles'>;
export type Identifier = Profile['identifiers'][number];
export type TrackedEvent = Item<'/v1/profiles/{id}/events'>;
export type ProfileDetail = Res<'/v1/profiles/{id}', 'get'>;

/** A cursor page of T: `{ data, next_cursor }`, with `total` where the list is filtered or offset. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
  total?: number;
}

export type Tag = Item<'/v1/tags'>;
export type List = Item<'/v1/lists'>;
export type ListMember = Item<'/v1/lists/{id}/members'>;
export type SegmentMember = Item<'/v1/segments/{id}/members'>;
export type EventName = Item<'/v1/event-names'>;
export type Channel = Item<'/v1/channels'>;
export type Consent = Item<'/v1/profiles/{id}/consent'>;
export type PrivacyLogLine = Item<'/v1/profiles/{id}/privacy-log'>;

export type Segment = Item<'/v1/segments'>;
export type Preview = Res<'/v1/segments/preview', 'post'>;
export type ExplainNode = components['schemas']['ExplainNode'];
export type Explain = Res<'/v1/segments/{id}/explain/{profileId}', 'get'>;
export type HistoryPoint = Res<'/v1/segments/{id}/history', 'get'>['data'][number];

export type DncEntry = Item<'/v1/dnc'>;
export type DncImportReport = Res<'/v1/dnc/import', 'post'>;
/** The answer to adding one contact: 201 added, or 200 when it was already listed. */
export type DncAdded = Res<'/v1/dnc', 'post', 201> | Extract<Res<'/v1/dnc', 'post'>, { status: 'duplicate' }>;

export type Workspace = Res<'/v1/workspace', 'get'>;
export type ApiKey = Item<'/v1/keys'>;
/** The answer to creating a key: the key itself, shown this once. */
export type NewApiKey = Res<'/v1/keys', 'post', 201>;
export type User = Item<'/v1/users'>;

/** A background job (a bulk change over 10,000 profiles), GET /v1/jobs/{id}. */
export type Job = Res<'/v1/jobs/{id}', 'get'>;
/** What a bulk tag / list change did, in one transaction (200) or as the counts of its job. */
export type BulkCounts = Res<'/v1/tags/{id}/profiles', 'post'>;

/** A segment a profile is in, GET /v1/profiles/{id}/segments. */
export type ProfileSegment = Item<'/v1/profiles/{id}/segments'>;

/** Profile imports (docs/imports.md). */
export type Import = Res<'/v1/imports/{id}', 'get'>;
export type ImportStatus = Import['status'];
export type ImportAnalysis = NonNullable<Import['analysis']>;
export type ImportColumn = ImportAnalysis['columns'][number];
export type ImportTarget = ImportColumn['suggestion']['target'];
export type FitKind = keyof ImportColumn['facts']['fits'];
export type ImportRejection = Item<'/v1/imports/{id}/rejections'>;

export type Webhook = Item<'/v1/webhooks'>;
/** The answer to creating a webhook: with its signing secret, shown this once. */
export type NewWebhook = Res<'/v1/webhooks', 'post', 201>;
export type WebhookEvent = Webhook['events'][number];
export type WebhookDelivery = Item<'/v1/webhooks/{id}/deliveries'>;

// Page<T> is the console's own name; these fail to compile if a paged route stops fitting it.
type Fits<A extends B, B> = A;
type CheckedPages = [
  Fits<Res<'/v1/profiles', 'get'>, Page<Profile>>,
  Fits<Res<'/v1/segments', 'get'>, Page<Segment>>,
  Fits<Res<'/v1/dnc', 'get'>, Page<DncEntry>>,
  Fits<Res<'/v1/profiles/{id}/events', 'get'>, Page<TrackedEvent>>,
  Fits<Res<'/v1/profiles/{id}/privacy-log', 'get'>, Page<PrivacyLogLine>>,
  Fits<Res<'/v1/webhooks/{id}/deliveries', 'get'>, Page<WebhookDelivery>>,
  Fits<Res<'/v1/lists/{id}/members', 'get'>, Page<ListMember>>,
  Fits<Res<'/v1/segments/{id}/members', 'get'>, Page<SegmentMember>>,
];
