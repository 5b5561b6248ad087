import { userToApi } from '../../auth/account.ts';
import type { DatabaseHandle } from '../../db/connect.ts';
import {
  assertIfMatch,
  createResourceRepository,
  entityTag,
  implementResource,
  type RevokeSessions,
} from '../../kit/index.ts';
import { AppError } from '../../protocol/errors.ts';
import type { Implementations } from '../../protocol/handler.ts';
import type { UsersContract } from '../../protocol/routes/users.ts';
import { defineUserResource } from './user-resource.ts';

/** What the users resource is given where the app is assembled. */
export interface UserServices {
  /** Revokes every session of a user in the caller's transaction (auth's). */
  revokeSessions: RevokeSessions;
}

/** The user routes: the kit's (list, get, PATCH, PUT, DELETE, restore) plus activate and deactivate. */
export function userImplementations(
  database: DatabaseHandle,
  services: UserServices,
): Implementations<UsersContract> {
  const resource = defineUserResource(services.revokeSessions);
  const repository = createResourceRepository(database.db, resource);
  const kit = implementResource(database, resource);

  async function setActive(id: string, active: boolean, ifMatch: string | string[] | undefined) {
    const record = await repository.withLockedRow(id, { includeDeleted: false }, async (row) => {
      assertIfMatch(ifMatch, entityTag(userToApi(row.current)));
      if (row.current.is_active === active) return row.current;
      const updated = await row.update({ is_active: active });
      // A deactivated account must not keep working sessions; revoked in the same transaction.
      if (!active) await services.revokeSessions(row.transaction, id);
      return updated;
    });
    if (record === undefined) throw new AppError('NOT_FOUND', { message: 'User not found' });
    const data = userToApi(record);
    return { status: 200 as const, data, headers: { ETag: entityTag(data) } };
  }

  return {
    listUsers: kit.list,
    getUser: kit.get,
    updateUser: kit.update,
    replaceUser: kit.replace,
    deleteUser: kit.remove,
    restoreUser: kit.restore,
    activateUser: async ({ params }, { headers }) => setActive(params.id, true, headers['if-match']),
    deactivateUser: async ({ params }, { headers }) => setActive(params.id, false, headers['if-match']),
  };
}
