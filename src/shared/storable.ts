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
export function unstorablePath(value: unknown, path: PathParts = []): PathParts | undefined {
  if (typeof value === 'string') return storableText(value) ? undefined : path;
  if (typeof value !== 'object' || value === null) return undefined;
  if (path.length >= MAX_JSON_DEPTH) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = unstorablePath(value[i], [...path, i]);
      if (bad) return bad;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!storableText(k)) return [...path, k];
    const bad = unstorablePath(v, [...path, k]);
    if (bad) return bad;
  }
  return undefined;
}

// U+0000, or a UTF-16 surrogate without its pair.
const UNSTORABLE_RE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const storableText = (s: string): boolean => !UNSTORABLE_RE.test(s);
