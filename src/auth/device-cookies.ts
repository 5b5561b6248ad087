import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.ts';
import type { CookieInstruction } from '../protocol/handler.ts';
import { REFRESH_COOKIE_PATH } from './cookies.ts';

/** The device cookie (OWASP "device cookies"): marks a browser that signed in to an account before. */
export const DEVICE_COOKIE = 'device_token';
/** Seconds a device cookie lives. @default 31536000 (one year) */
export const DEVICE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;

const MAX_TOKEN_LENGTH = 256;

// Domain-separated from the CSRF tokens signed with the same secret: one can never pass as the other.
function mac(secret: string, email: string, nonce: string): string {
  return createHmac('sha256', secret).update(`device.${nonce}.${email}`).digest('base64url');
}

/** A new device token for an e-mail: a random device id plus an HMAC binding it to that e-mail. */
export function createDeviceToken(secret: string, email: string): string {
  const nonce = randomBytes(18).toString('base64url');
  return `${nonce}.${mac(secret, email, nonce)}`;
}

/**
 * The device id of a token issued for this e-mail, or `null`: a token of another account, a forged
 * or a malformed one never gives a device (the e-mail is not in the cookie, only in its HMAC).
 */
export function readDeviceToken(secret: string, email: string, token: string | undefined): string | null {
  if (!token || token.length > MAX_TOKEN_LENGTH) return null;
  const [nonce, signature, extra] = token.split('.');
  if (!nonce || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(secret, email, nonce));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? nonce : null;
}

/** The cookie that marks this browser after a successful sign-in as `email`. */
export function deviceCookie(
  settings: Pick<Config, 'cookieSecure' | 'csrfSecret'>,
  email: string,
): CookieInstruction {
  return {
    name: DEVICE_COOKIE,
    value: createDeviceToken(settings.csrfSecret, email),
    // HttpOnly and SameSite=Strict like the session; sent only to the sign-in endpoints.
    options: {
      httpOnly: true,
      secure: settings.cookieSecure,
      sameSite: 'strict',
      path: REFRESH_COOKIE_PATH,
      maxAge: DEVICE_COOKIE_MAX_AGE,
    },
  };
}
