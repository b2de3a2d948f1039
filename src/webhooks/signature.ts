import { createHmac, randomBytes } from 'node:crypto';

/**
 * Webhook signing. The secret is a signing key, not a password: Audience needs it back to sign every
 * delivery, so it is stored as is (API keys, by contrast, are stored only as a hash). It is shown
 * once, when the webhook is created, and never logged.
 */
export const generateSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`; the key is the secret's UTF-8 bytes, whole. */
export function signatureHeader(args: { secret: string; timestamp: string; body: string }): string {
  return `v1=${createHmac('sha256', args.secret).update(`${args.timestamp}.${args.body}`).digest('hex')}`;
}
