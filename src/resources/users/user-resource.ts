import { userRoutes } from '../../protocol/routes/users.ts';
import { defineResource } from '../kit/resource-definition.ts';
import { userToApi } from './user-record.ts';

/**
 * Users on the resource kit: soft-deleted, counted by triggers, each the owner of their own row.
 * `userImplementations` adds the session revocation on delete, which it is given.
 */
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
});
