/**
 * The one error registry. Domain code throws these; the HTTP layer turns them into
 * `{ error: { code, message, path } }` with the status given here. Codes are AUD_ERR_<AREA>_<REASON>.
 * A test (errors.test.ts) keeps this registry and docs/errors.md in step.
 */
export class AudienceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly path?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AudienceError';
  }
}

type Extra = { path?: string; details?: unknown };

function def<P = object>(code: string, status: number, message: (p: P) => string) {
  const make = (p: P & Extra = {} as P & Extra) => new AudienceError(code, message(p), status, p.path, p.details);
  return Object.assign(make, { code, status });
}

export const Errors = {
  // --- request shape and auth ---
  validation: def<{ message: string }>('AUD_ERR_VALIDATION', 400, (p) => p.message),
  bodyTooLarge: def<{ limit: number }>('AUD_ERR_BODY_TOO_LARGE', 413, (p) => `request body is larger than ${p.limit} bytes`),
  unsupportedMediaType: def<{ type: string }>('AUD_ERR_UNSUPPORTED_MEDIA_TYPE', 415, (p) => `content type ${p.type} is not supported`),
  unauthorized: def<{ message: string }>('AUD_ERR_AUTH_UNAUTHORIZED', 401, (p) => p.message),
  forbidden: def<{ message: string }>('AUD_ERR_AUTH_FORBIDDEN', 403, (p) => p.message),
  notFound: def<{ resource: string; id: string }>('AUD_ERR_NOT_FOUND', 404, (p) => `${p.resource} ${p.id} not found`),
  routeNotFound: def<{ method: string; url: string }>('AUD_ERR_ROUTE_NOT_FOUND', 404, (p) => `no route ${p.method} ${p.url}`),
  conflict: def<{ message: string }>('AUD_ERR_CONFLICT', 409, (p) => p.message),
  writeContention: def('AUD_ERR_WRITE_CONTENTION', 503, () => 'concurrent writes to the same profiles kept colliding; send the request again'),

  // --- console users and sessions ---
  signInFailed: def('AUD_ERR_AUTH_SIGN_IN_FAILED', 401, () => 'wrong email or password'),
  signInRateLimited: def<{ seconds: number }>('AUD_ERR_AUTH_RATE_LIMITED', 429, (p) => `too many sign-in attempts; try again in ${Math.ceil(p.seconds / 60)} minute(s)`),
  chooseWorkspace: def('AUD_ERR_AUTH_CHOOSE_WORKSPACE', 409, () => 'this email and password open several workspaces; choose one (workspace_id)'),
  csrf: def('AUD_ERR_AUTH_CSRF', 403, () => 'missing or wrong x-csrf-token header (a signed-in console write needs the token from GET /v1/session)'),
  wrongPassword: def('AUD_ERR_AUTH_WRONG_PASSWORD', 422, () => 'the current password is wrong'),
  userExists: def<{ email: string }>('AUD_ERR_USER_EXISTS', 409, (p) => `a user with email ${p.email} already exists in this workspace`),
  lastAdmin: def('AUD_ERR_USER_LAST_ADMIN', 409, () => 'the workspace needs at least one admin; make another user admin first'),

  // --- profiles and identity ---
  identityConflict: def<{ message: string }>('AUD_ERR_PROFILE_IDENTITY_CONFLICT', 409, (p) => p.message),
  profileExists: def<{ message: string }>('AUD_ERR_PROFILE_EXISTS', 409, (p) => p.message),
  noIdentifier: def('AUD_ERR_PROFILE_NO_IDENTIFIER', 422, () => 'at least one identifier is needed (userId/externalId, email, phone or anonymousId)'),
  invalidIdentifier: def<{ kind: string; value: string }>('AUD_ERR_PROFILE_INVALID_IDENTIFIER', 422, (p) => `invalid ${p.kind}: ${JSON.stringify(p.value)}`),
  noMatchingProfile: def<{ identifiers: string }>('AUD_ERR_PROFILE_NO_MATCH', 404, (p) => `no profile has ${p.identifiers} (update-only)`),
  mergeNotAllowed: def<{ from: string; into: string }>(
    'AUD_ERR_PROFILE_MERGE_NOT_ALLOWED', 409,
    (p) => `alias would merge two known profiles (${p.from} into ${p.into}); enable the workspace setting allowProfileMerge to allow it`,
  ),

  // --- attributes ---
  invalidAttributeValue: def<{ name: string; type: string; value: unknown }>(
    'AUD_ERR_ATTRIBUTE_INVALID_VALUE', 422,
    (p) => `attribute "${p.name}" is a ${p.type}; ${JSON.stringify(p.value)} is not a valid ${p.type}`,
  ),
  invalidAttributeName: def<{ name: string }>('AUD_ERR_ATTRIBUTE_INVALID_NAME', 422, (p) => `invalid attribute name ${JSON.stringify(p.name)}: use letters, digits and _ (start with a letter), at most 64 characters`),
  attributeExists: def<{ name: string; type: string }>('AUD_ERR_ATTRIBUTE_EXISTS', 409, (p) => `attribute "${p.name}" already exists with type ${p.type}`),
  attributeReserved: def<{ name: string }>('AUD_ERR_ATTRIBUTE_RESERVED', 409, (p) => `"${p.name}" is a standard attribute; a custom attribute needs another name`),
  attributeReadOnly: def<{ name: string }>('AUD_ERR_ATTRIBUTE_READ_ONLY', 422, (p) => `attribute "${p.name}" is derived and read-only (age comes from birthdate)`),

  // --- segment rules ---
  ruleInvalid: def<{ message: string }>('AUD_ERR_RULE_INVALID', 422, (p) => p.message),
  segmentReadOnly: def<{ name: string }>('AUD_ERR_SEGMENT_READ_ONLY', 409, (p) => `segment "${p.name}" is predefined and read-only`),
  segmentInUse: def<{ name: string; users: string }>('AUD_ERR_SEGMENT_IN_USE', 409, (p) => `segment "${p.name}" is used by ${p.users}`),

  // --- lists, tags, channels, consent, Do-Not-Contact ---
  nameTaken: def<{ resource: string; name: string }>('AUD_ERR_NAME_TAKEN', 409, (p) => `a ${p.resource} named ${JSON.stringify(p.name)} already exists`),
  unknownChannel: def<{ channel: string }>('AUD_ERR_CHANNEL_UNKNOWN', 422, (p) => `unknown channel ${JSON.stringify(p.channel)}; add it with POST /v1/channels`),
  consentNoneNotSettable: def<{ channel: string }>('AUD_ERR_CONSENT_NONE_NOT_SETTABLE', 422, (p) => `"none" means never asked and can not be set (channel ${p.channel}); record "unsubscribed" to withdraw consent`),
  invalidContact: def<{ value: string }>('AUD_ERR_DNC_INVALID_CONTACT', 422, (p) => `${JSON.stringify(p.value)} is neither an email address nor a phone number (E.164, e.g. +441234567890)`),

  // --- file imports ---
  importFileTooLarge: def<{ limit: number }>('AUD_ERR_IMPORT_FILE_TOO_LARGE', 413, (p) => `the file is larger than ${p.limit} bytes`),
  importUnsupportedFile: def<{ name: string }>('AUD_ERR_IMPORT_UNSUPPORTED_FILE', 415, (p) => `${JSON.stringify(p.name)} is not a .txt, .csv, .xlsx, or a .zip holding one`),
  importUnreadable: def<{ name: string; reason: string }>('AUD_ERR_IMPORT_UNREADABLE', 422, (p) => `${JSON.stringify(p.name)} can not be read: ${p.reason}`),
  importMapping: def<{ message: string }>('AUD_ERR_IMPORT_MAPPING', 422, (p) => p.message),
  importState: def<{ id: string; status: string; action: string }>('AUD_ERR_IMPORT_STATE', 409, (p) => `import ${p.id} is ${p.status}; it can not ${p.action}`),

  // --- webhooks ---
  webhookUnknownSegment: def<{ id: string }>('AUD_ERR_WEBHOOK_UNKNOWN_SEGMENT', 422, (p) => `${p.id} is not a segment of this workspace`),
} as const;

export type ErrorFactory = (typeof Errors)[keyof typeof Errors];
