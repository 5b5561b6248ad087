import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { emailInputSchema } from '../protocol/routes/users.ts';
import { findAccountByEmail, insertAccount, promoteToAdmin } from './account-repository.ts';
import type { PasswordHasher } from './passwords.ts';

/** The outcome of {@link ensureAdmin}. */
export type EnsureAdminOutcome = 'created' | 'promoted' | 'unchanged';

/**
 * Makes sure an admin with this e-mail exists (idempotent): creates it, or promotes an existing
 * user. An existing account's password is never changed here.
 */
export async function ensureAdmin(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  admin: { email: string; password: string; displayName?: string },
): Promise<EnsureAdminOutcome> {
  const email = emailInputSchema.parse(admin.email);
  const existing = await findAccountByEmail(db, email);
  if (existing) {
    if (existing.role === 'admin') return 'unchanged';
    await promoteToAdmin(db, existing.id);
    return 'promoted';
  }
  await insertAccount(db, {
    email,
    passwordHash: await hasher.hash(admin.password),
    displayName: admin.displayName ?? 'Admin',
    role: 'admin',
  });
  return 'created';
}
