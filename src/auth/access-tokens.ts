import { createHash } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import type { Caller } from '../protocol/handler.ts';

/** The issuer written in and required of every access token. */
export const TOKEN_ISSUER = 'tenet';
/** The audience written in and required of every access token. */
export const TOKEN_AUDIENCE = 'tenet-api';
const MAX_TOKEN_LENGTH = 4096;
/** Verified tokens remembered, newest kept. @default 10000 */
export const VERIFIED_CACHE_SIZE = 10_000;

/** A verified access token: who calls, and the refresh family (session) it belongs to. */
export interface AccessIdentity extends Caller {
  familyId: string;
}

/** The result of reading an access token; expected failures are values, not exceptions. */
export type AccessTokenResult =
  | { ok: true; identity: AccessIdentity }
  | { ok: false; reason: 'expired' | 'invalid' };

/** Signs and verifies access tokens. */
export interface AccessTokens {
  sign(identity: AccessIdentity): string;
  verify(token: string): AccessTokenResult;
  /** Verifies the signature but not the expiry: to learn the session of an expired token (CSRF). */
  verifyIgnoringExpiry(token: string): AccessTokenResult;
}

/** A key id derived from the key, so rotating `JWT_SECRET` never needs a separate id to configure. */
function keyId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

function readKeyId(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    const kid = (header as { kid?: unknown } | null)?.kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

function toIdentity(payload: Record<string, unknown>): AccessIdentity | null {
  const { typ, sub, role, sid } = payload;
  // A token of another kind (or forged claims) is never an access token.
  if (typ !== 'access' || typeof sub !== 'string' || typeof sid !== 'string') return null;
  if (role !== 'user' && role !== 'admin') return null;
  return { userId: sub, role, familyId: sid };
}

/**
 * Access tokens: HS256 JWTs with `typ`, `sub`, `role`, `sid`, `iss`, `aud`, `iat`, `exp` and a `kid`
 * header. The first secret signs; every secret verifies, chosen by `kid` (untrusted input: looked up
 * in a Map). The algorithm is pinned, so `none` and every other algorithm are refused. Verified
 * tokens are remembered until they expire, which keeps verification off the hot path.
 */
export function createAccessTokens(secrets: readonly string[], ttlSeconds: number): AccessTokens {
  const [signingSecret] = secrets;
  if (!signingSecret) throw new Error('At least one JWT secret is required');
  const signer = createSigner({
    key: signingSecret,
    algorithm: 'HS256',
    kid: keyId(signingSecret),
    expiresIn: ttlSeconds * 1000,
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
  });
  const options = {
    algorithms: ['HS256' as const],
    allowedIss: TOKEN_ISSUER,
    allowedAud: TOKEN_AUDIENCE,
    requiredClaims: ['typ', 'sub', 'role', 'sid', 'iat', 'exp', 'iss', 'aud'],
  };
  const verifiers = new Map(
    secrets.map((secret) => [keyId(secret), createVerifier({ ...options, key: secret })]),
  );
  const lenient = new Map(
    secrets.map((secret) => [
      keyId(secret),
      createVerifier({ ...options, key: secret, ignoreExpiration: true }),
    ]),
  );

  function verifyWith(table: typeof verifiers, token: string): AccessTokenResult & { expiresAt?: number } {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid' };
    const kid = readKeyId(token);
    const verifier = kid === undefined ? undefined : table.get(kid);
    if (!verifier) return { ok: false, reason: 'invalid' };
    try {
      const payload = verifier(token) as Record<string, unknown>;
      const identity = toIdentity(payload);
      return identity
        ? { ok: true, identity, expiresAt: Number(payload.exp) * 1000 }
        : { ok: false, reason: 'invalid' };
    } catch (error) {
      if (error instanceof TokenError && error.code === TokenError.codes.expired)
        return { ok: false, reason: 'expired' };
      return { ok: false, reason: 'invalid' };
    }
  }

  // Verified tokens are remembered until their `exp`, keyed by the whole token (so no two tokens
  // can share an entry): a repeat request costs one Map lookup instead of a signature check.
  const verified = new Map<string, { identity: AccessIdentity; expiresAt: number }>();
  function verifyCached(token: string): AccessTokenResult {
    const hit = verified.get(token);
    if (hit) {
      if (hit.expiresAt > Date.now()) return { ok: true, identity: hit.identity };
      verified.delete(token);
    }
    const { expiresAt, ...result } = verifyWith(verifiers, token);
    if (result.ok && expiresAt !== undefined) {
      // Oldest first out: Map keeps insertion order.
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value ?? '');
      verified.set(token, { identity: result.identity, expiresAt });
    }
    return result;
  }

  return {
    sign: (identity) =>
      signer({ typ: 'access', sub: identity.userId, role: identity.role, sid: identity.familyId }),
    verify: verifyCached,
    verifyIgnoringExpiry: (token) => {
      const { expiresAt: _expiresAt, ...result } = verifyWith(lenient, token);
      return result;
    },
  };
}
