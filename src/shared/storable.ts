/**
 * Input that PostgreSQL can not store: text and jsonb can not hold U+0000, jsonb refuses lone UTF-16
 * surrogates, and very deep JSON exhausts the parser's stack. Such input must be a 400 with its path,
 * never a 500 from the store.
 */
import { type AudienceError, Errors } from './errors.ts';

export const MAX_JSON_DEPTH = 64;

/** The 400 for such input at `path`. */
export const unstorableError = (path: string): AudienceError =>
  Errors.validation({ message: `${path || 'body'}: this value can not be stored (it holds U+0000, a lone surrogate or JSON nested too deep)`, path: path || undefined });

export type PathParts = (string | number)[];

/** The path of the first string (or object key) that can not be stored, or of a value nested too deep; undefined when all is well. */
export function unstorablePath(value: unknown): PathParts | undefined {
  return storable(value, 0) ? undefined : locate(value, []);
}

// The check allocates nothing (it runs on every event); the path is worked out only for bad input.
function storable(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return !UNSTORABLE_RE.test(value);
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (!storable(v, depth + 1)) return false;
    return true;
  }
  for (const k in value) {
    if (UNSTORABLE_RE.test(k) || !storable((value as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

function locate(value: unknown, path: PathParts): PathParts | undefined {
  if (typeof value === 'string') return UNSTORABLE_RE.test(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (path.length >= MAX_JSON_DEPTH) return path;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    if (typeof k === 'string' && UNSTORABLE_RE.test(k)) return [...path, k];
    const bad = locate(v, [...path, k]);
    if (bad) return bad;
  }
  return undefined;
}

// U+0000, or a UTF-16 surrogate without its pair.
const UNSTORABLE_RE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
