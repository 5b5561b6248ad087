import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { Implementations } from '../protocol/handler.ts';
import type { AuthContract } from '../protocol/routes/auth.ts';
import type { SignUpContract } from '../protocol/routes/users.ts';
import { createAccessTokens } from './access-tokens.ts';
import { authImplementations } from './auth-routes.ts';
import { createGuard } from './guard.ts';
import { createLoginLimiter } from './login-limiter.ts';
import { PasswordHasher } from './passwords.ts';
import { createSuccessorCipher } from './refresh-tokens.ts';
import { cleanUpSessions, findSessionByToken, revokeUserSessions } from './session-repository.ts';
import { signUpImplementations } from './signup.ts';

/** How often expired sessions are deleted (by one instance at a time). */
export const SESSION_CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

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
  /** Starts the periodic clean-up of expired sessions (one instance at a time) and stops it on close. */
  service: {
    start(warn: (error: unknown, message: string) => void): void;
    close(): Promise<void>;
  };
  /** Deletes expired sessions, in one instance at a time. */
  cleanUp(): Promise<number | null>;
}

/** Builds authentication for a configuration and database. */
export function createAuth(database: DatabaseHandle, config: Config): Auth {
  const db = database.db;
  const tokens = createAccessTokens(config.jwtSecrets, config.accessTokenTtl);
  const hasher = new PasswordHasher();
  const limiter = createLoginLimiter({ points: config.loginRateLimit, redisUrl: config.redisUrl });
  const cipher = createSuccessorCipher(config.jwtSecrets[0] ?? '');
  const guard = createGuard({
    tokens,
    csrfSecret: config.csrfSecret,
    trustedOrigins: config.corsOrigins,
    findFamily: async (token) => (await findSessionByToken(db, token))?.familyId ?? null,
  });
  const cleanUp = () => cleanUpSessions(db, config.refreshReuseGrace);
  let timer: NodeJS.Timeout | undefined;
  return {
    guard,
    hasher,
    implementations: {
      ...authImplementations({ db, config, tokens, hasher, limiter, cipher }),
      ...signUpImplementations({ db, config, hasher }),
    },
    revokeUserSessions: async (transaction, userId) => {
      await revokeUserSessions(transaction, userId);
    },
    service: {
      start(warn) {
        timer = setInterval(() => {
          cleanUp().catch((error: unknown) => warn(error, 'session clean-up failed'));
        }, SESSION_CLEANUP_INTERVAL_MS);
        timer.unref();
      },
      async close() {
        clearInterval(timer);
        await limiter.close();
      },
    },
    cleanUp,
  };
}
