import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Revokes every live refresh-token family of a user (logout everywhere): on password change,
 * deactivation and deletion. Access tokens already issued stay valid until they expire (15 min
 * at most) unless the guard also checks the account, which it does for deactivated and deleted users.
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
