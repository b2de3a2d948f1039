import { Errors } from './errors.ts';

/** Opaque pagination cursors: base64url JSON, so clients treat them as tokens and never build them. */
export const encodeCursor = (position: Record<string, string>): string => Buffer.from(JSON.stringify(position)).toString('base64url');

/** The position in a cursor, or a 400 at `path` when the cursor is not one this API gave out. */
export function decodeCursor<K extends string>(cursor: string, keys: readonly K[], check: (p: Record<K, string>) => boolean, path = 'query.cursor'): Record<K, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const ok = typeof parsed === 'object' && parsed !== null && keys.every((k) => typeof (parsed as Record<string, unknown>)[k] === 'string');
  if (!ok || !check(parsed as Record<K, string>)) throw Errors.validation({ message: 'invalid cursor: pass next_cursor from the previous page unchanged', path });
  return parsed as Record<K, string>;
}
