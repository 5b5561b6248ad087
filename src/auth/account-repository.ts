import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UserRecord } from './account.ts';

/** The live (not soft-deleted) user with an e-mail, password hash included, or `undefined`. */
export function findAccountByEmail(db: Kysely<Database>, email: string): Promise<UserRecord | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** The live user with an id, or `undefined`. */
export function findAccountById(db: Kysely<Database>, id: string): Promise<UserRecord | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Replaces a user's password hash (a re-hash with today's parameters). */
export async function updatePasswordHash(
  db: Kysely<Database>,
  id: string,
  passwordHash: string,
): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

/** The fields of a new account. */
export interface NewAccount {
  email: string;
  passwordHash: string;
  displayName: string;
  avatarUrl?: string | null;
  role?: 'user' | 'admin';
}

/** Inserts a user; a taken e-mail surfaces as the database's unique violation (409). */
export function insertAccount(db: Kysely<Database>, account: NewAccount): Promise<UserRecord> {
  return db
    .insertInto('users')
    .values({
      email: account.email,
      password_hash: account.passwordHash,
      display_name: account.displayName,
      avatar_url: account.avatarUrl ?? null,
      role: account.role ?? 'user',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Makes a user an admin. */
export async function promoteToAdmin(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('users').set({ role: 'admin' }).where('id', '=', id).execute();
}
