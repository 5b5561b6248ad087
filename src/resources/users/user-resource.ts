import { revokeUserSessions } from '../../auth/session-repository.ts';
import { userRoutes } from '../../protocol/routes/users.ts';
import { defineResource } from '../kit/resource-definition.ts';
import { userToApi } from './user-record.ts';

/** Users on the resource kit: soft-deleted, counted by triggers, each the owner of their own row. */
export const userResource = defineResource({
  routes: userRoutes,
  table: 'users',
  toApi: userToApi,
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
  onDelete: async (transaction, record) => {
    await revokeUserSessions(transaction, record.id);
  },
});
