import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../protocol/errors.ts';
import type { Implementations, RequestContext } from '../protocol/handler.ts';
import type { AuthContract } from '../protocol/routes/auth.ts';
import type { AccessTokens } from './access-tokens.ts';
import { type UserRecord, userToApi } from './account.ts';
import { findAccountByEmail, findAccountById, updatePasswordHash } from './account-repository.ts';
import { recordAudit } from './audit.ts';
import {
  ACCESS_COOKIE,
  CSRF_COOKIE,
  clearedSessionCookies,
  REFRESH_COOKIE,
  sessionCookies,
} from './cookies.ts';
import { createCsrfToken, isCsrfTokenForFamily } from './csrf.ts';
import type { LoginLimiter } from './login-limiter.ts';
import type { PasswordHasher } from './passwords.ts';
import type { SuccessorCipher } from './refresh-tokens.ts';
import { findSessionByToken, revokeFamily, revokeUserSessions } from './session-repository.ts';
import { rotateSession, startSession } from './sessions.ts';

/** What the auth routes are built on. */
export interface AuthServices {
  db: Kysely<Database>;
  config: Config;
  tokens: AccessTokens;
  hasher: PasswordHasher;
  limiter: LoginLimiter;
  cipher: SuccessorCipher;
}

function origin(context: RequestContext) {
  return { userAgent: context.userAgent, ip: context.ip };
}

/** `POST /api/auth/login`, `/logout`, `/refresh` and `GET /api/auth/me`. */
export function authImplementations(services: AuthServices): Implementations<AuthContract> {
  const { db, config, tokens, hasher, limiter, cipher } = services;
  const audit = (
    context: RequestContext,
    action: Parameters<typeof recordAudit>[1]['action'],
    userId: string | null,
    metadata?: Parameters<typeof recordAudit>[1]['metadata'],
  ) => recordAudit(db, { action, userId, ip: context.ip, requestId: context.requestId, metadata });
  // The answer of a sign-in or refresh: the user, and the three cookies of the session.
  const signedIn = (account: UserRecord, familyId: string, refreshToken: string, csrf: string) => ({
    status: 200 as const,
    data: userToApi(account),
    cookies: sessionCookies(config, {
      access: tokens.sign({ userId: account.id, role: account.role, familyId }),
      refresh: refreshToken,
      csrf,
    }),
  });
  const failedSession = (code: 'UNAUTHORIZED' | 'TOKEN_INVALID' | 'FORBIDDEN', message?: string) =>
    new AppError(code, { message, cookies: clearedSessionCookies(config) });

  return {
    login: async ({ body }, context) => {
      // Refused before any lookup when hashing is saturated, and counted before any hashing.
      hasher.assertCapacity();
      await limiter.consume(context.ip, body.email);
      const account = await findAccountByEmail(db, body.email);
      // Unknown e-mail: the same hashing work and the same answer as a wrong password.
      const check = account
        ? await hasher.verify(account.password_hash, body.password)
        : await hasher.verifyDummy(body.password);
      if (!account || !check.valid) {
        await audit(context, 'login.failure', account?.id ?? null, { email: body.email });
        throw new AppError('INVALID_CREDENTIALS');
      }
      // Told only to someone who knows the password.
      if (!account.is_active) {
        await revokeUserSessions(db, account.id);
        await audit(context, 'login.failure', account.id, { reason: 'deactivated' });
        throw new AppError('FORBIDDEN', { message: 'Account is deactivated' });
      }
      if (check.needsRehash) await updatePasswordHash(db, account.id, await hasher.hash(body.password));
      await limiter.reset(body.email);
      const session = await startSession(db, account.id, origin(context), {
        ttlSeconds: config.refreshTokenTtl,
      });
      await audit(context, 'login.success', account.id);
      return signedIn(
        account,
        session.familyId,
        session.token,
        createCsrfToken(config.csrfSecret, session.familyId),
      );
    },

    logout: async (_input, context) => {
      let session: { familyId: string; userId: string } | null = null;
      const refresh = context.cookies[REFRESH_COOKIE];
      if (refresh) session = await findSessionByToken(db, refresh);
      const access = context.cookies[ACCESS_COOKIE];
      if (!session && access) {
        const result = tokens.verifyIgnoringExpiry(access);
        if (result.ok) session = { familyId: result.identity.familyId, userId: result.identity.userId };
      }
      if (session) {
        await revokeFamily(db, session.familyId);
        await audit(context, 'logout', session.userId);
      }
      return { status: 204, data: undefined, cookies: clearedSessionCookies(config) };
    },

    refreshSession: async (_input, context) => {
      const presented = context.cookies[REFRESH_COOKIE];
      if (!presented) throw failedSession('UNAUTHORIZED', 'No session to refresh');
      const outcome = await rotateSession(db, presented, origin(context), {
        ttlSeconds: config.refreshTokenTtl,
        graceSeconds: config.refreshReuseGrace,
        cipher,
      });
      switch (outcome.kind) {
        case 'unknown':
          throw failedSession('TOKEN_INVALID', 'Refresh token invalid');
        case 'expired':
          throw failedSession('UNAUTHORIZED', 'Session expired, sign in again');
        case 'revoked':
          throw failedSession('TOKEN_INVALID', 'Session revoked, sign in again');
        case 'reused':
          await audit(context, 'refresh.reuse', outcome.userId, { familyId: outcome.familyId });
          throw failedSession('TOKEN_INVALID', 'Refresh token reused; the session was revoked');
      }
      const account = await findAccountById(db, outcome.userId);
      if (!account?.is_active) {
        await revokeFamily(db, outcome.familyId);
        throw account
          ? failedSession('FORBIDDEN', 'Account is deactivated')
          : failedSession('UNAUTHORIZED', 'Account no longer exists');
      }
      // The CSRF token stays the same across refreshes, so writes in flight from other tabs keep working.
      const currentCsrf = context.cookies[CSRF_COOKIE];
      const csrf =
        currentCsrf && isCsrfTokenForFamily(config.csrfSecret, outcome.familyId, currentCsrf)
          ? currentCsrf
          : createCsrfToken(config.csrfSecret, outcome.familyId);
      return signedIn(account, outcome.familyId, outcome.token, csrf);
    },

    getCurrentUser: async (_input, context) => {
      const caller = context.caller;
      if (!caller) throw new AppError('UNAUTHORIZED');
      const account = await findAccountById(db, caller.userId);
      if (!account) throw new AppError('UNAUTHORIZED', { message: 'Account no longer exists' });
      if (!account.is_active) throw new AppError('FORBIDDEN', { message: 'Account is deactivated' });
      return { status: 200, data: userToApi(account) };
    },
  };
}
