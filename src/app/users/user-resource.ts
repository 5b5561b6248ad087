import { userToApi } from '../../auth/account.ts';
import type { RevokeSessions } from '../../kit/index.ts';
import { defineResourceStorage } from '../../kit/index.ts';
import { userRoutes } from '../../protocol/routes/users.ts';

/**
 * Users on the resource kit: soft-deleted, counted by triggers, each the owner of their own row.
 * Session revocation is given where the app is assembled (auth owns sessions).
 */
export function defineUserResource(revokeSessions: RevokeSessions) {
  return defineResourceStorage({
    routes: userRoutes,
    table: 'users',
    toApi: userToApi,
    // Every column but the password hash: no read of the kit's ever carries it.
    selectColumns: ['email', 'display_name', 'avatar_url', 'role', 'is_active', 'created_at', 'updated_at'],
    sortColumns: {
      createdAt: 'created_at',
      updatedAt: 'updated_at',
      email: 'email',
      displayName: 'display_name',
    },
    fieldColumns: { displayName: 'display_name', avatarUrl: 'avatar_url' },
    searchColumns: ['email', 'display_name'],
    // A user's own row: self or admin.
    ownerColumn: 'id',
    countedRows: true,
    // A deleted account must not keep working sessions; revoked in the same transaction.
    onDelete: (transaction, record) => revokeSessions(transaction, record.id),
  });
}
