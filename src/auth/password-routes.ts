import { AppError } from '../protocol/errors.ts';
import type { Implementations } from '../protocol/handler.ts';
import type { changePassword } from '../protocol/routes/auth.ts';
import { findAccountById, updatePasswordHash } from './account-repository.ts';
import { auditRequest } from './audit.ts';
import { type AuthServices, origin, revokeNow } from './auth-routes.ts';
import { sessionCookies } from './cookies.ts';
import { createCsrfToken } from './csrf.ts';
import { DEVICE_COOKIE, readDeviceToken } from './device-cookies.ts';
import { currentSession } from './session-routes.ts';
import { startSession } from './sessions.ts';

/** `POST /api/auth/password`: change the password with the current one. */
export function passwordImplementations(
  services: AuthServices,
): Implementations<{ changePassword: typeof changePassword }> {
  const { db, config, tokens, hasher, limiter } = services;
  return {
    changePassword: async ({ body }, context) => {
      const { userId } = currentSession(tokens, context);
      hasher.assertCapacity();
      const account = await findAccountById(db, userId);
      if (!account) throw new AppError('UNAUTHORIZED', { message: 'Account no longer exists' });
      if (!account.is_active) throw new AppError('FORBIDDEN', { message: 'Account is deactivated' });
      // A stolen session must not be able to guess the password at leisure: limited like sign-in.
      const device = readDeviceToken(config.csrfSecret, account.email, context.cookies[DEVICE_COOKIE]);
      await limiter.consume(context.ip, account.email, device);
      const check = await hasher.verify(account.password_hash, body.currentPassword);
      if (!check.valid) {
        await auditRequest(db, context, 'login.failure', userId, { reason: 'password change' });
        throw new AppError('INVALID_CREDENTIALS', { message: 'The current password is wrong' });
      }
      await limiter.reset(account.email, device);
      await updatePasswordHash(db, userId, await hasher.hash(body.newPassword));
      // Whoever else holds a session of this account (perhaps why the password changes) is signed
      // out at once; this browser continues in a fresh session, so no old token stays valid.
      const revoked = await revokeNow(services, { userId });
      const session = await startSession(db, userId, origin(context), { ttlSeconds: config.refreshTokenTtl });
      await auditRequest(db, context, 'password.change', userId, { sessionsRevoked: revoked.length });
      return {
        status: 204,
        data: undefined,
        cookies: sessionCookies(config, {
          access: tokens.sign({ userId, role: account.role, familyId: session.familyId }),
          refresh: session.token,
          csrf: createCsrfToken(config.csrfSecret, session.familyId),
        }),
      };
    },
  };
}
