import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { emailInputSchema } from '../protocol/routes/users.ts';
import { findAccountByEmail, promoteToAdmin } from './account-repository.ts';
import type { PasswordHasher } from './passwords.ts';
import { revokeSessions } from './session-repository.ts';

/** The outcome of {@link ensureAdmin}. */
export type EnsureAdminOutcome = 'created' | 'promoted' | 'unchanged';

/** `ADMIN_EMAIL` names an account that `ADMIN_PASSWORD` does not open: it is never made an admin. */
export class AdminBootstrapError extends Error {
  constructor(email: string) {
    super(
      `ADMIN_EMAIL ${email} belongs to an existing account whose password is not ADMIN_PASSWORD, so it ` +
        'was not made an admin (anyone may have signed up with that address). To resolve: choose another ' +
        'ADMIN_EMAIL; or, if the account is yours, set its password with `tenet users set-password --email ' +
        `${email}\` (or sign in and change it) to ADMIN_PASSWORD; or unset ADMIN_EMAIL and ADMIN_PASSWORD ` +
        'and create an admin with `tenet users create --admin`.',
    );
    this.name = 'AdminBootstrapError';
  }
}

/**
 * Makes sure an admin with this e-mail exists (idempotent, and safe when several instances start
 * at once): creates it, or promotes an existing account only if `password` opens it. An existing
 * account's password is never changed here. Throws {@link AdminBootstrapError} otherwise.
 */
export async function ensureAdmin(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  admin: { email: string; password: string; displayName?: string },
): Promise<EnsureAdminOutcome> {
  const email = emailInputSchema.parse(admin.email);
  let existing = await findAccountByEmail(db, email);
  if (!existing) {
    // Instances started together all try: the first insert wins, the others find its row.
    const created = await db
      .insertInto('users')
      .values({
        email,
        password_hash: await hasher.hash(admin.password),
        display_name: admin.displayName ?? 'Admin',
        role: 'admin',
      })
      .onConflict((conflict) => conflict.column('email').where('deleted_at', 'is', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (created) return 'created';
    existing = await findAccountByEmail(db, email);
    if (!existing) throw new Error(`The account ${email} vanished while the first admin was being created`);
  }
  // Already an admin: nothing is granted, whatever its password is now (it may have been changed).
  if (existing.role === 'admin') return 'unchanged';
  // Whoever registered the address first must not become admin: only the configured password may.
  if (!(await hasher.verify(existing.password_hash, admin.password)).valid) {
    throw new AdminBootstrapError(email);
  }
  const id = existing.id;
  await db.transaction().execute(async (trx) => {
    await promoteToAdmin(trx, id);
    // Its access tokens say `user`: the sessions are revoked so the role is read afresh at sign-in.
    await revokeSessions(trx, { userId: id });
  });
  return 'promoted';
}
