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

function def<P = void>(code: string, status: number, message: (p: P) => string) {
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

  // --- profiles and identity ---
  identityConflict: def<{ message: string }>('AUD_ERR_PROFILE_IDENTITY_CONFLICT', 409, (p) => p.message),
  profileExists: def<{ message: string }>('AUD_ERR_PROFILE_EXISTS', 409, (p) => p.message),
  noIdentifier: def('AUD_ERR_PROFILE_NO_IDENTIFIER', 422, () => 'at least one identifier is needed (userId/externalId, email, phone or anonymousId)'),
  invalidIdentifier: def<{ kind: string; value: string }>('AUD_ERR_PROFILE_INVALID_IDENTIFIER', 422, (p) => `invalid ${p.kind}: ${JSON.stringify(p.value)}`),

  // --- attributes ---
  invalidAttributeValue: def<{ name: string; type: string; value: unknown }>(
    'AUD_ERR_ATTRIBUTE_INVALID_VALUE', 422,
    (p) => `attribute "${p.name}" is a ${p.type}; ${JSON.stringify(p.value)} is not a valid ${p.type}`,
  ),
  invalidAttributeName: def<{ name: string }>('AUD_ERR_ATTRIBUTE_INVALID_NAME', 422, (p) => `invalid attribute name ${JSON.stringify(p.name)}: use letters, digits and _ (start with a letter), at most 64 characters`),
  attributeExists: def<{ name: string; type: string }>('AUD_ERR_ATTRIBUTE_EXISTS', 409, (p) => `attribute "${p.name}" already exists with type ${p.type}`),

  // --- segment rules ---
  ruleInvalid: def<{ message: string }>('AUD_ERR_RULE_INVALID', 422, (p) => p.message),
  segmentReadOnly: def<{ name: string }>('AUD_ERR_SEGMENT_READ_ONLY', 409, (p) => `segment "${p.name}" is predefined and read-only`),
  segmentInUse: def<{ name: string; users: string }>('AUD_ERR_SEGMENT_IN_USE', 409, (p) => `segment "${p.name}" is used by ${p.users}`),
} as const;

export type ErrorFactory = (typeof Errors)[keyof typeof Errors];
