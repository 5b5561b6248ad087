import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** The admin actions written to the audit log. */
export type UserAdminAction =
  | 'user.activate'
  | 'user.deactivate'
  | 'user.delete'
  | 'user.restore'
  | 'user.role_change';

/**
 * What the users resource needs from authentication, given to it where the app is assembled (it
 * does not import `auth/`): session revocation and the audit log.
 */
export interface AccountHooks {
  /** Revokes every session of a user at once, in the caller's transaction. */
  revokeUserSessions(transaction: Kysely<Database>, userId: string): Promise<void>;
  /** Writes an admin action to the audit log: who (`actorId`), to whom, the request id. */
  auditAdminAction(
    request: { ip: string; requestId: string },
    action: UserAdminAction,
    actorId: string | null,
    targetId: string,
    metadata?: Record<string, unknown>,
  ): Promise<void>;
}
