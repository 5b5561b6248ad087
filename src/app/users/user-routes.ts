import { sql } from 'kysely';
import { type UserProfile, userToApi } from '../../auth/account.ts';
import type { DatabaseHandle } from '../../db/connect.ts';
import {
  assertIfMatch,
  createResourceRepository,
  entityTag,
  implementResource,
  type RevokeSessions,
} from '../../kit/index.ts';
import { AppError } from '../../protocol/errors.ts';
import type { Implementations, RequestContext } from '../../protocol/handler.ts';
import type { UsersContract } from '../../protocol/routes/users.ts';
import { defineUserResource } from './user-resource.ts';

/** What the users resource is given where the app is assembled. */
export interface UserServices {
  /** Revokes every session of a user in the caller's transaction (auth's). */
  revokeSessions: RevokeSessions;
  /** Writes an admin action to the audit log: who (`actorId`), to whom, the request id (auth's). */
  auditAdminAction(
    request: { ip: string; requestId: string },
    action: 'user.activate' | 'user.deactivate' | 'user.delete' | 'user.restore' | 'user.role_change',
    actorId: string | null,
    targetId: string,
    metadata?: Record<string, string>,
  ): Promise<void>;
}

/** The user routes: the kit's (list, get, PATCH, PUT, DELETE, restore) plus activate and deactivate. */
export function userImplementations(
  database: DatabaseHandle,
  services: UserServices,
): Implementations<UsersContract> {
  const resource = defineUserResource(services.revokeSessions);
  const repository = createResourceRepository(database.db, resource);
  const kit = implementResource(database, resource);

  type AdminAction = Parameters<UserServices['auditAdminAction']>[1];
  const audit = (
    context: RequestContext,
    action: AdminAction,
    targetId: string,
    metadata?: Record<string, string>,
  ) => services.auditAdminAction(context, action, context.caller?.userId ?? null, targetId, { ...metadata });
  const answer = (record: UserProfile | undefined) => {
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
      if (!active) await services.revokeSessions(row.transaction, id);
      changed = true;
      return updated;
    });
    if (changed) await audit(context, active ? 'user.activate' : 'user.deactivate', id);
    return answer(record);
  }

  return {
    listUsers: kit.list,
    getUser: kit.get,
    updateUser: kit.update,
    replaceUser: kit.replace,
    // Delete and restore are audit-logged once they have committed.
    deleteUser: async (input, context) => {
      const result = await kit.remove(input, context);
      await audit(context, 'user.delete', input.params.id.toLowerCase());
      return result;
    },
    restoreUser: async (input, context) => {
      const result = await kit.restore(input, context);
      await audit(context, 'user.restore', input.params.id.toLowerCase());
      return result;
    },
    activateUser: async ({ params }, context) => setActive(params.id, true, context),
    deactivateUser: async ({ params }, context) => setActive(params.id, false, context),
    setUserRole: async ({ params, body }, context) => {
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
        await services.revokeSessions(row.transaction, params.id);
        return updated;
      });
      if (previous !== undefined) {
        await audit(context, 'user.role_change', params.id, { from: previous, to: body.role });
      }
      return answer(record);
    },
  };
}
