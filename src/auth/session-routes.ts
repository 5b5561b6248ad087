import { AppError } from '../protocol/errors.ts';
import type { Implementations, RequestContext } from '../protocol/handler.ts';
import { computePagination, pageOffset } from '../protocol/pagination.ts';
import type { listSessions, revokeOtherSessions, revokeSession } from '../protocol/routes/auth.ts';
import type { AccessTokens } from './access-tokens.ts';
import { auditRequest } from './audit.ts';
import { type AuthServices, revokeNow } from './auth-routes.ts';
import { ACCESS_COOKIE, clearedSessionCookies } from './cookies.ts';
import { isLiveSessionOf, listLiveSessions } from './session-repository.ts';

/** The signed-in caller and the session (`sid`) of the access token the guard accepted. */
export function currentSession(tokens: AccessTokens, context: RequestContext) {
  const caller = context.caller;
  const access = context.cookies[ACCESS_COOKIE];
  const result = access ? tokens.verify(access) : undefined;
  if (!caller || !result?.ok) throw new AppError('UNAUTHORIZED');
  return { userId: caller.userId, sessionId: result.identity.familyId };
}

/** `GET /api/auth/sessions`, `DELETE /api/auth/sessions/:id`, `POST /api/auth/sessions/revoke-others`. */
export function sessionImplementations(services: AuthServices): Implementations<{
  listSessions: typeof listSessions;
  revokeSession: typeof revokeSession;
  revokeOtherSessions: typeof revokeOtherSessions;
}> {
  const { db, tokens, config } = services;
  return {
    listSessions: async ({ query }, context) => {
      const { userId, sessionId } = currentSession(tokens, context);
      const { items, total } = await listLiveSessions(db, userId, {
        offset: pageOffset(query.page, query.pageSize),
        limit: query.pageSize,
        sortBy: query.sortBy,
        sortOrder: query.sortOrder,
      });
      return {
        status: 200,
        data: {
          items: items.map((item) => ({
            id: item.id,
            createdAt: item.createdAt.toISOString(),
            lastUsedAt: item.lastUsedAt.toISOString(),
            userAgent: item.userAgent,
            ip: item.ip,
            current: item.id === sessionId,
          })),
          pagination: computePagination(query.page, query.pageSize, total),
        },
      };
    },

    revokeSession: async ({ params }, context) => {
      const { userId, sessionId } = currentSession(tokens, context);
      const id = params.id.toLowerCase();
      // Another user's session answers exactly like an unknown one: ids are not confirmed to strangers.
      if (!(await isLiveSessionOf(db, userId, id))) {
        throw new AppError('NOT_FOUND', { message: 'Session not found' });
      }
      await revokeNow(services, { sessionId: id });
      await auditRequest(db, context, 'session.revoke', userId, { sessionId: id });
      // Revoking this very session is a sign-out: its cookies go too.
      return id === sessionId
        ? { status: 204, data: undefined, cookies: clearedSessionCookies(config) }
        : { status: 204, data: undefined };
    },

    revokeOtherSessions: async (_input, context) => {
      const { userId, sessionId } = currentSession(tokens, context);
      const ids = await revokeNow(services, { userId, exceptSessionId: sessionId });
      await auditRequest(db, context, 'session.revoke_others', userId, { sessions: ids.length });
      return { status: 204, data: undefined };
    },
  };
}
