import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

function mac(secret: string, familyId: string, nonce: string): string {
  return createHmac('sha256', secret).update(`${familyId}.${nonce}`).digest('base64url');
}

/**
 * A signed double-submit token: random bytes plus an HMAC bound to the session family, so a token
 * planted by another site or taken from another session never verifies.
 */
export function createCsrfToken(secret: string, familyId: string): string {
  const nonce = randomBytes(24).toString('base64url');
  return `${nonce}.${mac(secret, familyId, nonce)}`;
}

function equalText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Whether a token carries a valid HMAC for the session family. */
export function isCsrfTokenForFamily(secret: string, familyId: string, token: string): boolean {
  const [nonce, signature, extra] = token.split('.');
  if (!nonce || !signature || extra !== undefined) return false;
  return equalText(signature, mac(secret, familyId, nonce));
}

/**
 * The double-submit check: the header equals the cookie (compared in constant time) and the token's
 * HMAC verifies for the session family.
 */
export function verifyCsrf(
  secret: string,
  familyId: string,
  header: string | undefined,
  cookie: string | undefined,
): boolean {
  if (!header || !cookie || !equalText(header, cookie)) return false;
  return isCsrfTokenForFamily(secret, familyId, cookie);
}
