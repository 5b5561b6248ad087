import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { Implementations } from '../protocol/handler.ts';
import type { AuthContract } from '../protocol/routes/auth.ts';
import type { SignUpContract } from '../protocol/routes/users.ts';
import { createAccessTokens } from './access-tokens.ts';
import { type AuditAction, auditRequest } from './audit.ts';
import { authImplementations, revokeNow } from './auth-routes.ts';
import { createGuard } from './guard.ts';
import { createLoginLimiter } from './login-limiter.ts';
import { passwordImplementations } from './password-routes.ts';
import { PasswordHasher } from './passwords.ts';
import { createRateLimitStore, withinLimits } from './rate-limits.ts';
import { createSuccessorCipher } from './refresh-tokens.ts';
import { cleanUpSessions, findSessionByToken } from './session-repository.ts';
import { createSessionRevocations } from './session-revocations.ts';
import { sessionImplementations } from './session-routes.ts';
import { signUpImplementations } from './signup.ts';

/** How often expired sessions are deleted (by one instance at a time). */
export const SESSION_CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

/** How long a start waits for Redis before it serves with limits counted in memory. */
const REDIS_CONNECT_WAIT_MS = 2_000;

/** `API_RATE_LIMIT` counts requests over one minute. */
export const API_RATE_WINDOW_SECONDS = 60;

/** Authentication, assembled for one app. */
export interface Auth {
  /** The guard the route adapter runs before every handler. */
  guard: ReturnType<typeof createGuard>;
  /** The handlers of the auth routes and of sign-up (auth owns accounts and passwords). */
  implementations: Implementations<AuthContract & SignUpContract>;
  hasher: PasswordHasher;
  /**
   * Revokes every session of a user, inside the caller's transaction: what the users resource is
   * given where the app is assembled (deletion, deactivation), so it never imports auth.
   */
  revokeUserSessions(transaction: Kysely<Database>, userId: string): Promise<void>;
  /** Writes an admin action to the audit log: who (`actorId`), to whom, the request id (given to users). */
  auditAdminAction(
    request: { ip: string; requestId: string },
    action: Extract<AuditAction, `user.${string}`>,
    actorId: string | null,
    targetId: string,
    metadata?: Record<string, string>,
  ): Promise<void>;
  /** Starts the periodic clean-up of expired sessions (one instance at a time) and stops it on close. */
  service: {
    start(warn: (error: unknown, message: string) => void): Promise<void>;
    close(): Promise<void>;
  };
  /** Deletes expired sessions, in one instance at a time. */
  cleanUp(): Promise<number | null>;
}

/** Options for {@link createAuth}. */
export interface AuthOptions {
  /** Only for bench/revocation.ts, which measures the check's cost: `false` skips it. @default true */
  checkRevocations?: boolean;
}

/** Builds authentication for a configuration and database. */
export function createAuth(database: DatabaseHandle, config: Config, options: AuthOptions = {}): Auth {
  const db = database.db;
  const tokens = createAccessTokens(config.jwtSecrets, config.accessTokenTtl);
  const hasher = new PasswordHasher();
  const limits = createRateLimitStore(config.redisUrl);
  const limiter = createLoginLimiter({ points: config.loginRateLimit, store: limits });
  const apiLimit =
    config.apiRateLimit > 0
      ? limits.limiter({
          keyPrefix: 'tenet:api',
          points: config.apiRateLimit,
          duration: API_RATE_WINDOW_SECONDS,
        })
      : undefined;
  const cipher = createSuccessorCipher(config.jwtSecrets[0] ?? '');
  const revocations = createSessionRevocations(database, config.accessTokenTtl);
  const guard = createGuard({
    tokens,
    csrfSecret: config.csrfSecret,
    trustedOrigins: config.corsOrigins,
    findFamily: async (token) => (await findSessionByToken(db, token))?.familyId ?? null,
    isRevoked: options.checkRevocations === false ? () => false : (id) => revocations.isRevoked(id),
    limitRequest:
      apiLimit && ((key) => withinLimits('Too many requests, retry later', [apiLimit.consume(key)])),
  });
  const services = { db, config, tokens, hasher, limiter, cipher, revocations };
  const cleanUp = () => cleanUpSessions(db, config.refreshReuseGrace, config.accessTokenTtl);
  let timer: NodeJS.Timeout | undefined;
  return {
    guard,
    hasher,
    implementations: {
      ...authImplementations(services),
      ...passwordImplementations(services),
      ...sessionImplementations(services),
      ...signUpImplementations(services),
    },
    revokeUserSessions: async (transaction, userId) => {
      await revokeNow(services, { userId }, transaction);
    },
    auditAdminAction: (request, action, actorId, targetId, metadata) =>
      auditRequest(db, request, action, actorId, { ...metadata, targetId }),
    service: {
      async start(warn) {
        // Loaded before the app serves: a token revoked before this instance started is refused too.
        await revocations.start();
        // Counting in memory while Redis connects would let the first requests past the shared limits.
        await limits.connected(REDIS_CONNECT_WAIT_MS);
        timer = setInterval(() => {
          cleanUp().catch((error: unknown) => warn(error, 'session clean-up failed'));
        }, SESSION_CLEANUP_INTERVAL_MS);
        timer.unref();
      },
      async close() {
        clearInterval(timer);
        await Promise.all([limits.close(), revocations.close()]);
      },
    },
    cleanUp,
  };
}
