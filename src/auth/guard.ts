import type { RouteSpec } from '../protocol/contract.ts';
import { AppError } from '../protocol/errors.ts';
import type { Caller, RequestFacts } from '../protocol/handler.ts';
import type { AccessTokens } from './access-tokens.ts';
import { ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE } from './cookies.ts';
import { verifyCsrf } from './csrf.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What the guard needs. */
export interface GuardDependencies {
  tokens: AccessTokens;
  csrfSecret: string;
  /** Origins besides the server's own that may send writes (`CORS_ORIGINS`). */
  trustedOrigins: readonly string[];
  /** The session (family) a refresh token belongs to, or `null`. */
  findFamily(refreshToken: string): Promise<string | null>;
  /** Whether a session was revoked: an in-memory lookup, never a query (see session-revocations.ts). */
  isRevoked(sessionId: string): boolean;
  /** Counts one request of a caller (`user:<id>` or `ip:<address>`); throws 429 past the limit. */
  limitRequest?: (key: string) => Promise<void>;
}

function header(facts: RequestFacts, name: string): string | undefined {
  const value = facts.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Builds the guard that runs before every handler: CSRF protection on writes, then the caller from
 * the access token, then the route's role. Returns the caller, `null` for an anonymous call to a
 * public route, or throws 401/403.
 */
export function createGuard(dependencies: GuardDependencies) {
  const trusted = new Set(dependencies.trustedOrigins);

  function isSameOriginOrTrusted(facts: RequestFacts): boolean {
    const origin = header(facts, 'origin');
    if (origin !== undefined) return origin === facts.serverOrigin || trusted.has(origin);
    // No Origin: a browser states where the request came from in Sec-Fetch-Site; clients that
    // are not browsers send neither, and cannot be driven cross-site by a page.
    const site = header(facts, 'sec-fetch-site');
    return site === undefined || site === 'same-origin' || site === 'none';
  }

  async function sessionFamily(facts: RequestFacts): Promise<string | null> {
    const access = facts.cookies[ACCESS_COOKIE];
    if (access) {
      const result = dependencies.tokens.verifyIgnoringExpiry(access);
      if (result.ok) return result.identity.familyId;
    }
    const refresh = facts.cookies[REFRESH_COOKIE];
    return refresh ? dependencies.findFamily(refresh) : null;
  }

  async function checkCsrf(route: RouteSpec, facts: RequestFacts): Promise<void> {
    const familyId = route.csrf === 'origin' ? null : await sessionFamily(facts);
    if (familyId === null) {
      // No session to bind a token to: refuse writes a browser sent from another site.
      if (!isSameOriginOrTrusted(facts)) {
        throw new AppError('FORBIDDEN', { message: 'Cross-site request refused' });
      }
      return;
    }
    // A session cookie rides along with any request the browser makes; only a page that can read
    // the csrf_token cookie (our own origin) can echo it in the header.
    if (
      !verifyCsrf(
        dependencies.csrfSecret,
        familyId,
        header(facts, 'x-csrf-token'),
        facts.cookies[CSRF_COOKIE],
      )
    ) {
      throw new AppError('FORBIDDEN', { message: 'CSRF token missing or invalid' });
    }
  }

  async function identify(route: RouteSpec, facts: RequestFacts): Promise<Caller | null> {
    if (WRITE_METHODS.has(facts.method)) await checkCsrf(route, facts);
    const token = facts.cookies[ACCESS_COOKIE];
    if (!token) {
      if (route.access === 'public') return null;
      throw new AppError('UNAUTHORIZED');
    }
    const result = dependencies.tokens.verify(token);
    if (!result.ok) {
      // A stale or broken cookie on a public route is an anonymous call, not an error.
      if (route.access === 'public') return null;
      throw new AppError(result.reason === 'expired' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
    }
    const { userId, role, familyId } = result.identity;
    // A signed, unexpired token outlives its session by up to ACCESS_TOKEN_TTL: logout, reuse,
    // password change, deactivation, deletion and role change revoke the session, and its access
    // token stops working at once, whatever role it claims.
    if (dependencies.isRevoked(familyId)) {
      if (route.access === 'public') return null;
      throw new AppError('TOKEN_INVALID', { message: 'Session revoked, sign in again' });
    }
    if (route.access === 'admin' && role !== 'admin') throw new AppError('INSUFFICIENT_PERMISSIONS');
    return { userId, role };
  }

  const { limitRequest } = dependencies;
  if (limitRequest === undefined) return identify;
  return async function guard(route: RouteSpec, facts: RequestFacts): Promise<Caller | null> {
    const caller = await identify(route, facts);
    // Per signed-in user, so users behind one address (an office, a carrier's NAT) do not share a
    // limit; anonymous calls per address. Refused calls (401, 403) are not counted.
    if (route.rateLimited !== false) await limitRequest(caller ? `user:${caller.userId}` : `ip:${facts.ip}`);
    return caller;
  };
}
