import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Clock } from '../shared/clock.ts';
import { normalizeEmail } from '../shared/contacts.ts';
import { Errors } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN } from './password.ts';

const Q = loadQueries('users', ['insert-user', 'list-users', 'get-user', 'update-user', 'delete-user', 'lock-admins', 'delete-user-sessions']);

/** viewer: reads; editor: reads and writes data; admin: also users, API keys and workspace settings. */
export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  workspace_id: string;
  email: string;
  name: string | null;
  role: Role;
  created_at: Date;
  updated_at: Date;
  last_sign_in_at: Date | null;
}

export function checkPassword(password: string, path = 'password'): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw Errors.validation({ message: `${path}: a password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`, path });
  }
}

function checkEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (!email) throw Errors.validation({ message: `email: ${JSON.stringify(raw)} is not an email address`, path: 'email' });
  return email;
}

/** Console users of a workspace: create, list, change role / name / password, remove. */
export class UserService {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async create(input: { workspaceId: string; email: string; password: string; role: Role; name?: string | null }): Promise<User> {
    const email = checkEmail(input.email);
    checkPassword(input.password);
    const hash = await hashPassword(input.password);
    const [user] = await this.deps.db.query<User>(Q['insert-user'], [
      newId(), input.workspaceId, email, input.name?.trim() || null, input.role, hash, this.deps.clock.now(),
    ]);
    if (!user) throw Errors.userExists({ email, path: 'email' });
    return user;
  }

  list(workspaceId: string): Promise<User[]> {
    return this.deps.db.query<User>(Q['list-users'], [workspaceId]);
  }

  async get(workspaceId: string, id: string): Promise<User> {
    const [user] = await this.deps.db.query<User>(Q['get-user'], [workspaceId, id]);
    if (!user) throw Errors.notFound({ resource: 'user', id });
    return user;
  }

  /** A new password signs the user out of every other session (`keepSessionHash`: the caller's own). */
  async update(input: {
    workspaceId: string; id: string; name?: string | null; role?: Role; password?: string; keepSessionHash?: string;
  }): Promise<User> {
    if (input.password !== undefined) checkPassword(input.password);
    const hash = input.password !== undefined ? await hashPassword(input.password) : null;
    return this.deps.db.transaction(async (tx) => {
      const current = (await tx.query<User>(Q['get-user'], [input.workspaceId, input.id]))[0];
      if (!current) throw Errors.notFound({ resource: 'user', id: input.id });
      if (current.role === 'admin' && input.role && input.role !== 'admin') await this.keepOneAdmin(tx, input.workspaceId);
      const name = input.name === undefined ? null : (input.name?.trim() ?? '');
      const [user] = await tx.query<User>(Q['update-user'], [input.workspaceId, input.id, name, input.role ?? null, hash, this.deps.clock.now()]);
      if (hash) await tx.query(Q['delete-user-sessions'], [input.id, input.keepSessionHash ?? null]);
      return user!;
    });
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const current = (await tx.query<User>(Q['get-user'], [workspaceId, id]))[0];
      if (!current) throw Errors.notFound({ resource: 'user', id });
      if (current.role === 'admin') await this.keepOneAdmin(tx, workspaceId);
      await tx.query(Q['delete-user'], [workspaceId, id]);
    });
  }

  private async keepOneAdmin(tx: Pick<Db, 'query'>, workspaceId: string): Promise<void> {
    // Lock the workspace's admins so that two concurrent demotions can not both pass the check.
    const admins = await tx.query(Q['lock-admins'], [workspaceId]);
    if (admins.length <= 1) throw Errors.lastAdmin({ path: 'role' });
  }
}
