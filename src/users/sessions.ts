import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Clock } from '../shared/clock.ts';
import { normalizeEmail } from '../shared/contacts.ts';
import { Errors } from '../shared/errors.ts';
import type { WorkspaceSettings } from '../workspaces/service.ts';
import { dummyHash, verifyPassword } from './password.ts';
import { RateLimiter } from './rate-limit.ts';
import type { Role } from './service.ts';

const Q = loadQueries('users', ['find-sign-in-candidates', 'touch-sign-in', 'insert-session', 'find-session', 'delete-session', 'delete-expired-sessions', 'get-password-hash']);

/** How long a console session lasts after sign-in. */
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

/** What a live session cookie stands for. */
export interface SessionInfo {
  user: { id: string; email: string; name: string | null; role: Role };
  workspace: { id: string; name: string; timezone: string; settings: WorkspaceSettings };
  csrfToken: string;
  expiresAt: Date;
}

/** The session id is 256-bit random, so a fast hash is enough to keep it out of the store. */
export const hashSessionId = (id: string): string => createHash('sha256').update(id).digest('hex');

/** Constant-time string comparison (CSRF tokens). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Sign-in with email and password, and the sessions it opens. Attempts are limited per client
 * address and email (10 per 15 minutes) and per address (100 per 15 minutes).
 */
export class SessionService {
  private readonly perEmail: RateLimiter;
  private readonly perIp: RateLimiter;

  constructor(private readonly deps: { db: Db; clock: Clock }) {
    this.perEmail = new RateLimiter({ clock: deps.clock, max: 10, windowMs: 15 * 60_000 });
    this.perIp = new RateLimiter({ clock: deps.clock, max: 100, windowMs: 15 * 60_000 });
  }

  async signIn(input: { email: string; password: string; workspaceId?: string; ip: string }): Promise<SessionInfo & { sessionId: string }> {
    const email = normalizeEmail(input.email) ?? input.email.trim().toLowerCase();
    const key = `${input.ip}\n${email}`;
    for (const hit of [this.perIp.hit(input.ip), this.perEmail.hit(key)]) {
      if (!hit.allowed) throw Errors.signInRateLimited({ seconds: hit.retryAfterSeconds, details: { retry_after: hit.retryAfterSeconds } });
    }
    const candidates = (await this.deps.db.query<{ id: string; workspace_id: string; workspace_name: string; password_hash: string }>(
      Q['find-sign-in-candidates'], [email],
    )).filter((c) => !input.workspaceId || c.workspace_id === input.workspaceId);
    if (candidates.length === 0) {
      await verifyPassword(input.password, await dummyHash()); // same time as a wrong password: no hint that the email exists
      throw Errors.signInFailed();
    }
    const matches = [];
    for (const c of candidates) if (await verifyPassword(input.password, c.password_hash)) matches.push(c);
    if (matches.length === 0) throw Errors.signInFailed();
    if (matches.length > 1) {
      throw Errors.chooseWorkspace({ path: 'workspace_id', details: { workspaces: matches.map((m) => ({ id: m.workspace_id, name: m.workspace_name })) } });
    }
    this.perEmail.reset(key);
    const user = matches[0]!;
    const sessionId = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (tx) => {
      await tx.query(Q['delete-expired-sessions'], [now]);
      await tx.query(Q['insert-session'], [hashSessionId(sessionId), user.id, user.workspace_id, randomBytes(24).toString('base64url'), now, new Date(now.getTime() + SESSION_TTL_MS)]);
      await tx.query(Q['touch-sign-in'], [user.id, now]);
    });
    return { sessionId, ...(await this.find(sessionId))! };
  }

  /** The live session with this cookie value, or undefined (unknown or expired). */
  async find(sessionId: string): Promise<SessionInfo | undefined> {
    const [row] = await this.deps.db.query<{
      csrf_token: string; expires_at: Date; user_id: string; email: string; name: string | null; role: Role;
      workspace_id: string; workspace_name: string; timezone: string; settings: WorkspaceSettings;
    }>(Q['find-session'], [hashSessionId(sessionId), this.deps.clock.now()]);
    if (!row) return undefined;
    return {
      user: { id: row.user_id, email: row.email, name: row.name, role: row.role },
      workspace: { id: row.workspace_id, name: row.workspace_name, timezone: row.timezone, settings: row.settings },
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
    };
  }

  /** Re-checks a signed-in user's password (to change it); limited like sign-in. */
  async checkPassword(userId: string, password: string): Promise<void> {
    const hit = this.perEmail.hit(`password\n${userId}`);
    if (!hit.allowed) throw Errors.signInRateLimited({ seconds: hit.retryAfterSeconds, details: { retry_after: hit.retryAfterSeconds } });
    const [row] = await this.deps.db.query<{ password_hash: string }>(Q['get-password-hash'], [userId]);
    if (!row || !(await verifyPassword(password, row.password_hash))) throw Errors.wrongPassword({ path: 'current_password' });
  }

  async signOut(sessionId: string): Promise<void> {
    await this.deps.db.query(Q['delete-session'], [hashSessionId(sessionId)]);
  }
}
