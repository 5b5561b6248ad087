import type { Config } from '../config.ts';
import type { CookieInstruction, CookieOptions } from '../protocol/handler.ts';

/** Cookie names, exactly as the spec names them. */
export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';
export const CSRF_COOKIE = 'csrf_token';
/** The refresh cookie is only sent to the auth endpoints. */
export const REFRESH_COOKIE_PATH = '/api/auth';

type CookieSettings = Pick<Config, 'cookieSecure' | 'accessTokenTtl' | 'refreshTokenTtl'>;

// SameSite=Strict: the browser never attaches these to a request started by another site.
function options(settings: CookieSettings, httpOnly: boolean, path: string, maxAge: number): CookieOptions {
  return { httpOnly, secure: settings.cookieSecure, sameSite: 'strict', path, maxAge };
}

/** The three cookies of a signed-in session. */
export function sessionCookies(
  settings: CookieSettings,
  tokens: { access: string; refresh: string; csrf: string },
): CookieInstruction[] {
  return [
    // HttpOnly: script (and so XSS) cannot read the tokens.
    {
      name: ACCESS_COOKIE,
      value: tokens.access,
      options: options(settings, true, '/', settings.accessTokenTtl),
    },
    {
      name: REFRESH_COOKIE,
      value: tokens.refresh,
      options: options(settings, true, REFRESH_COOKIE_PATH, settings.refreshTokenTtl),
    },
    // Readable by script on purpose: the client echoes it in X-CSRF-Token (double submit).
    {
      name: CSRF_COOKIE,
      value: tokens.csrf,
      options: options(settings, false, '/', settings.refreshTokenTtl),
    },
  ];
}

/** Clears the three cookies, with the same attributes they were set with. */
export function clearedSessionCookies(settings: CookieSettings): CookieInstruction[] {
  return [
    { name: ACCESS_COOKIE, value: '', options: options(settings, true, '/', 0) },
    { name: REFRESH_COOKIE, value: '', options: options(settings, true, REFRESH_COOKIE_PATH, 0) },
    { name: CSRF_COOKIE, value: '', options: options(settings, false, '/', 0) },
  ];
}
