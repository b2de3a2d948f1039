import { createHash, randomBytes } from 'node:crypto';

export type KeyKind = 'secret' | 'write';

/** Keys carry their kind in a readable prefix (like Stripe's) and 32 random bytes. */
export function generateKey(kind: KeyKind): { key: string; prefix: string; hash: string } {
  const key = `${kind === 'secret' ? 'aud_sk_' : 'aud_wk_'}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), hash: hashKey(key) };
}

/** Keys are 256-bit random, so a fast hash is enough (no dictionary to guard against). */
export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');
