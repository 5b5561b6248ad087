import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hashRefreshToken } from './refresh-tokens.ts';

/**
 * Revokes every live refresh-token family of a user (sign out everywhere): on password change,
 * deactivation and deletion. Access tokens already issued lapse within `ACCESS_TOKEN_TTL`.
 */
export async function revokeUserSessions(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes one refresh-token family (one signed-in session). */
export async function revokeFamily(db: Kysely<Database>, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** The session a refresh token belongs to, whatever its state, or `null` for an unknown token. */
export async function findSessionByToken(
  db: Kysely<Database>,
  token: string,
): Promise<{ familyId: string; userId: string } | null> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select(['family_id', 'user_id'])
    .where('token_hash', '=', hashRefreshToken(token))
    .executeTakeFirst();
  return row ? { familyId: row.family_id, userId: row.user_id } : null;
}

/**
 * Deletes expired refresh tokens (sessions are temporary data) and drops sealed successors once
 * their grace window has passed. Runs in one instance at a time: a transaction-scoped advisory
 * lock makes concurrent callers skip. Returns the number of rows deleted, or `null` when skipped.
 */
export async function cleanUpSessions(db: Kysely<Database>, graceSeconds: number): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(hashtext('tenet_session_cleanup')) as locked`.execute(trx);
    if (!rows[0]?.locked) return null;
    const now = new Date();
    await trx
      .updateTable('refresh_tokens')
      .set({ successor_ciphertext: null })
      .where('successor_ciphertext', 'is not', null)
      .where('used_at', '<', new Date(now.getTime() - graceSeconds * 1000))
      .execute();
    const deleted = await trx.deleteFrom('refresh_tokens').where('expires_at', '<', now).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  });
}
