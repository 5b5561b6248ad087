import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { RouteImplementation } from '../protocol/handler.ts';
import { createAccessTokens } from './access-tokens.ts';
import { authRoutes } from './auth-routes.ts';
import { createGuard } from './guard.ts';
import { createLoginLimiter } from './login-limiter.ts';
import { PasswordHasher } from './passwords.ts';
import { createSuccessorCipher } from './refresh-tokens.ts';
import { cleanUpSessions, findSessionByToken } from './session-repository.ts';
import { signUpRoutes } from './signup.ts';

/** Authentication, assembled for one app. */
export interface Auth {
  /** The guard the route adapter runs before every handler. */
  guard: ReturnType<typeof createGuard>;
  routes: RouteImplementation[];
  hasher: PasswordHasher;
  /** Deletes expired sessions, in one instance at a time. */
  cleanUp(): Promise<number | null>;
  close(): Promise<void>;
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
  return {
    guard,
    hasher,
    routes: [
      ...authRoutes({ db, config, tokens, hasher, limiter, cipher }),
      ...signUpRoutes({ db, config, hasher }),
    ],
    cleanUp: () => cleanUpSessions(db, config.refreshReuseGrace),
    close: () => limiter.close(),
  };
}
