import { revokeUserSessions } from '../../auth/session-repository.ts';
import type { DatabaseHandle } from '../../db/connect.ts';
import { AppError } from '../../protocol/errors.ts';
import { implement, type RouteImplementation } from '../../protocol/handler.ts';
import { activateUser, deactivateUser } from '../../protocol/routes/users.ts';
import { assertIfMatch, entityTag } from '../kit/etag.ts';
import { resourceImplementations } from '../kit/resource-handlers.ts';
import { createResourceRepository } from '../kit/resource-repository.ts';
import { userToApi } from './user-record.ts';
import { userResource } from './user-resource.ts';

/** The user routes: the kit's (list, get, PATCH, PUT, DELETE, restore) plus activate and deactivate. */
export function userImplementations(database: DatabaseHandle): RouteImplementation[] {
  const repository = createResourceRepository(database.db, userResource);

  async function setActive(id: string, active: boolean, ifMatch: string | string[] | undefined) {
    const record = await repository.withLockedRow(id, { includeDeleted: false }, async (row) => {
      assertIfMatch(ifMatch, entityTag(userToApi(row.current)));
      if (row.current.is_active === active) return row.current;
      const updated = await row.update({ is_active: active });
      // A deactivated account must not keep working sessions; revoked in the same transaction.
      if (!active) await revokeUserSessions(row.transaction, id);
      return updated;
    });
    if (record === undefined) throw new AppError('NOT_FOUND', { message: 'User not found' });
    const data = userToApi(record);
    return { status: 200 as const, data, headers: { ETag: entityTag(data) } };
  }

  return [
    ...resourceImplementations(database, userResource),
    implement(activateUser, async ({ params }, { headers }) =>
      setActive(params.id, true, headers['if-match']),
    ),
    implement(deactivateUser, async ({ params }, { headers }) =>
      setActive(params.id, false, headers['if-match']),
    ),
  ];
}
