import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { RouteImplementation } from '../protocol/handler.ts';
import { createAccessTokens } from './access-tokens.ts';
import { type AuditAction, auditRequest } from './audit.ts';
import { authRoutes, revokeNow } from './auth-routes.ts';
import { createGuard } from './guard.ts';
import { createLoginLimiter } from './login-limiter.ts';
import { passwordRoutes } from './password-routes.ts';
import { PasswordHasher } from './passwords.ts';
import { createSuccessorCipher } from './refresh-tokens.ts';
import { cleanUpSessions, findSessionByToken } from './session-repository.ts';
import { createSessionRevocations } from './session-revocations.ts';
import { sessionRoutes } from './session-routes.ts';
import { signUpRoutes } from './signup.ts';

/** What the users resource is given (by injection): session revocation and the audit log. */
export interface AccountServices {
  /** Revokes every session of a user at once, in the caller's transaction. */
  revokeUserSessions(transaction: Kysely<Database>, userId: string): Promise<void>;
  /** Writes an admin action to the audit log: who (`actorId`), to whom, the request id. */
  auditAdminAction(
    request: { ip: string; requestId: string },
    action: Extract<AuditAction, `user.${string}`>,
    actorId: string | null,
    targetId: string,
    metadata?: Record<string, unknown>,
  ): Promise<void>;
}

/** Authentication, assembled for one app. */
export interface Auth {
  /** The guard the route adapter runs before every handler. */
  guard: ReturnType<typeof createGuard>;
  routes: RouteImplementation[];
  hasher: PasswordHasher;
  /** Given to the users resource. */
  accounts: AccountServices;
  /** Loads the revoked sessions and subscribes to revocations; before the app serves. */
  start(): Promise<void>;
  /** Deletes expired sessions, in one instance at a time. */
  cleanUp(): Promise<number | null>;
  close(): Promise<void>;
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
  const limiter = createLoginLimiter({ points: config.loginRateLimit, redisUrl: config.redisUrl });
  const cipher = createSuccessorCipher(config.jwtSecrets[0] ?? '');
  const revocations = createSessionRevocations(database, config.accessTokenTtl);
  const guard = createGuard({
    tokens,
    csrfSecret: config.csrfSecret,
    trustedOrigins: config.corsOrigins,
    findFamily: async (token) => (await findSessionByToken(db, token))?.familyId ?? null,
    isRevoked: options.checkRevocations === false ? () => false : (id) => revocations.isRevoked(id),
  });
  const services = { db, config, tokens, hasher, limiter, cipher, revocations };
  return {
    guard,
    hasher,
    routes: [
      ...authRoutes(services),
      ...passwordRoutes(services),
      ...sessionRoutes(services),
      ...signUpRoutes(services),
    ],
    accounts: {
      async revokeUserSessions(transaction, userId) {
        await revokeNow(services, { userId }, transaction);
      },
      auditAdminAction: (request, action, actorId, targetId, metadata) =>
        auditRequest(db, request, action, actorId, { ...metadata, targetId }),
    },
    start: () => revocations.start(),
    cleanUp: () => cleanUpSessions(db, config.refreshReuseGrace, config.accessTokenTtl),
    async close() {
      await Promise.all([limiter.close(), revocations.close()]);
    },
  };
}
