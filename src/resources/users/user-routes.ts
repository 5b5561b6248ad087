import { sql } from 'kysely';
import type { DatabaseHandle } from '../../db/connect.ts';
import { AppError } from '../../protocol/errors.ts';
import { implement, type RequestContext, type RouteImplementation } from '../../protocol/handler.ts';
import {
  activateUser,
  deactivateUser,
  deleteUser,
  restoreUser,
  setUserRole,
} from '../../protocol/routes/users.ts';
import { assertIfMatch, entityTag } from '../kit/etag.ts';
import { defineResource } from '../kit/resource-definition.ts';
import { resourceImplementations } from '../kit/resource-handlers.ts';
import { createResourceRepository } from '../kit/resource-repository.ts';
import type { AccountHooks, UserAdminAction } from './account-hooks.ts';
import type { UserRecord } from './user-record.ts';
import { userToApi } from './user-record.ts';
import { userResource } from './user-resource.ts';

/**
 * The user routes: the kit's (list, get, PATCH, PUT, DELETE, restore) plus activate, deactivate
 * and the role. Deactivation, deletion and a role change revoke every session of the user at once.
 */
export function userImplementations(database: DatabaseHandle, accounts: AccountHooks): RouteImplementation[] {
  const resource = defineResource({
    ...userResource,
    // A deleted account must not keep working sessions; revoked in the same transaction.
    onDelete: (transaction, record) => accounts.revokeUserSessions(transaction, record.id),
  });
  const repository = createResourceRepository(database.db, resource);
  const audit = (context: RequestContext, action: UserAdminAction, targetId: string, metadata?: object) =>
    accounts.auditAdminAction(context, action, context.caller?.userId ?? null, targetId, { ...metadata });
  const answer = (record: UserRecord | undefined) => {
    if (record === undefined) throw new AppError('NOT_FOUND', { message: 'User not found' });
    const data = userToApi(record);
    return { status: 200 as const, data, headers: { ETag: entityTag(data) } };
  };

  async function setActive(id: string, active: boolean, context: RequestContext) {
    let changed = false;
    const record = await repository.withLockedRow(id, { includeDeleted: false }, async (row) => {
      assertIfMatch(context.headers['if-match'], entityTag(userToApi(row.current)));
      if (row.current.is_active === active) return row.current;
      const updated = await row.update({ is_active: active });
      // A deactivated account must not keep working sessions; revoked in the same transaction.
      if (!active) await accounts.revokeUserSessions(row.transaction, id);
      changed = true;
      return updated;
    });
    if (changed) await audit(context, active ? 'user.activate' : 'user.deactivate', id);
    return answer(record);
  }

  // The kit's delete and restore, audit-logged once they have committed.
  const audited = resourceImplementations(database, resource).map((implementation) => {
    const action =
      implementation.route === deleteUser
        ? 'user.delete'
        : implementation.route === restoreUser
          ? 'user.restore'
          : undefined;
    if (action === undefined) return implementation;
    return implement(implementation.route, async (input, context) => {
      const result = await implementation.handler(input, context);
      await audit(context, action, String((input.params as { id?: unknown }).id ?? '').toLowerCase());
      return result;
    });
  });

  return [
    ...audited,
    implement(activateUser, async ({ params }, context) => setActive(params.id, true, context)),
    implement(deactivateUser, async ({ params }, context) => setActive(params.id, false, context)),
    implement(setUserRole, async ({ params, body }, context) => {
      let previous: string | undefined;
      const record = await repository.withLockedRow(params.id, { includeDeleted: false }, async (row) => {
        assertIfMatch(context.headers['if-match'], entityTag(userToApi(row.current)));
        if (row.current.role === body.role) return row.current;
        if (body.role === 'user') {
          // Serialises demotions, so two admins demoting each other cannot both pass the check.
          await sql`select pg_advisory_xact_lock(hashtext('tenet_admin_roles'))`.execute(row.transaction);
          const others = await row.transaction
            .selectFrom('users')
            .select((eb) => eb.fn.countAll<string>().as('count'))
            .where('role', '=', 'admin')
            .where('is_active', '=', true)
            .where('deleted_at', 'is', null)
            .where('id', '!=', params.id)
            .executeTakeFirstOrThrow();
          if (Number(others.count) === 0) {
            throw new AppError('CONFLICT', { message: 'The last active admin cannot be demoted' });
          }
        }
        previous = row.current.role;
        const updated = await row.update({ role: body.role });
        // Access tokens carry the role: every session is revoked so none acts with the old one.
        await accounts.revokeUserSessions(row.transaction, params.id);
        return updated;
      });
      if (previous !== undefined) {
        await audit(context, 'user.role_change', params.id, { from: previous, to: body.role });
      }
      return answer(record);
    }),
  ];
}
