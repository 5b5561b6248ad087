import type { CheckContext } from './context.ts';
import { isClearing, type SetCookie } from './cookie-jar.ts';
import { fillPath } from './discovery.ts';
import { describeExchange, type Exchange } from './probe-client.ts';

const CSRF_NAME = /csrf|xsrf/i;
const REFRESH_NAME = /refresh/i;
const ACCESS_NAME = /access|session|auth|jwt|bearer/i;
/** The protocol's lifetimes, in seconds, with a few seconds for the clock between Set-Cookie and now. */
const ACCESS_MAX = 15 * 60 + 5;
const REFRESH_MAX = 7 * 24 * 60 * 60 + 5;

function describeCookie(cookie: SetCookie): string {
  const attributes = cookie.raw
    .split(';')
    .slice(1)
    .map((part) => part.trim())
    .filter(Boolean);
  return `Set-Cookie: ${cookie.name}=…${attributes.length > 0 ? `; ${attributes.join('; ')}` : ''}`;
}

/**
 * What a cookie set at login is for, from its name. Another cookie (a device cookie, a preference)
 * is held to the flags every auth cookie needs, not to the access or refresh token's path and life.
 */
function role(name: string): 'csrf' | 'refresh' | 'access' | 'other' {
  if (CSRF_NAME.test(name)) return 'csrf';
  if (REFRESH_NAME.test(name)) return 'refresh';
  return ACCESS_NAME.test(name) ? 'access' : 'other';
}

/** Holds the cookies a login or refresh sets to the protocol's flags, paths and lifetimes. */
export function inspectSessionCookies(context: CheckContext, exchange: Exchange): void {
  const { findings } = context;
  const request = describeExchange(exchange);
  for (const cookie of exchange.setCookies.filter((item) => !isClearing(item))) {
    const kind = role(cookie.name);
    const seen = describeCookie(cookie);
    // The CSRF cookie must be readable by script: the client echoes it (double submit).
    if (kind !== 'csrf') findings.check('auth.cookie-httponly', cookie.httpOnly, { request, seen });
    findings.check('auth.cookie-secure', cookie.secure, { request, seen });
    findings.check('auth.cookie-samesite', cookie.sameSite === 'strict' || cookie.sameSite === 'lax', {
      request,
      seen,
    });
    if (kind === 'access') findings.check('auth.cookie-path', cookie.path === '/', { request, seen });
    if (kind === 'refresh')
      findings.check('auth.cookie-path', cookie.path !== undefined && cookie.path !== '/', { request, seen });
    if (kind === 'other') continue;
    const lifetime = cookie.lifetime;
    const limit = kind === 'access' ? ACCESS_MAX : REFRESH_MAX;
    findings.check('auth.cookie-lifetime', lifetime !== undefined && lifetime > 0 && lifetime <= limit, {
      request,
      seen: lifetime === undefined ? `${seen} (no Max-Age or Expires)` : `${seen} (${lifetime} s)`,
    });
  }
}

function userOf(body: unknown): { id: string | undefined; displayName: unknown } | undefined {
  const data = (body as { data?: unknown } | undefined)?.data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object') return undefined;
  const user = (typeof data.user === 'object' && data.user !== null ? data.user : data) as Record<
    string,
    unknown
  >;
  const id = typeof user.id === 'string' || typeof user.id === 'number' ? String(user.id) : undefined;
  return { id, displayName: user.displayName };
}

/** Signs in with the run's credentials; the first login's cookies are checked. */
export async function signIn(context: CheckContext, inspect: boolean): Promise<boolean> {
  const { client, findings, endpoints, credentials } = context;
  if (!credentials) return false;
  const exchange = await client.send({ method: 'POST', path: endpoints.login, body: credentials });
  const names = exchange.setCookies.filter((cookie) => !isClearing(cookie)).map((cookie) => cookie.name);
  const ok = exchange.status === 200 && names.length > 0;
  if (inspect) {
    findings.check('auth.login', ok, {
      request: describeExchange(exchange),
      seen:
        exchange.status !== 200
          ? `status ${exchange.status}`
          : names.length > 0
            ? `cookies ${names.join(', ')}`
            : 'no cookies set',
    });
    inspectSessionCookies(context, exchange);
  }
  if (exchange.status !== 200) return false;
  context.sessionCookies = names;
  context.signedIn = true;
  context.user = userOf(exchange.json) ?? context.user;
  return true;
}

/** `/me` refused without a session. */
export async function probeMeWithoutSession(context: CheckContext): Promise<void> {
  const exchange = await context.client.send({ method: 'GET', path: context.endpoints.me, cookies: 'none' });
  context.findings.check('auth.me-requires-session', exchange.status === 401, {
    request: describeExchange(exchange),
    seen: exchange.status === 401 ? 'refused with 401' : `answered ${exchange.status} without a session`,
  });
}

/** `/me` answered with a session; learns the signed-in user. */
export async function probeMeWithSession(context: CheckContext): Promise<boolean> {
  const exchange = await context.client.send({ method: 'GET', path: context.endpoints.me });
  context.findings.check('auth.me-requires-session', exchange.status === 200, {
    request: describeExchange(exchange),
    seen:
      exchange.status === 200
        ? 'answered 200 with the session'
        : `answered ${exchange.status} with the session`,
  });
  const user = exchange.status === 200 ? userOf(exchange.json) : undefined;
  if (user) context.user = user;
  context.signedIn = exchange.status === 200;
  return context.signedIn;
}

/** Makes sure the jar holds a live session, signing in again if a probe ended it. */
export async function ensureSession(context: CheckContext): Promise<boolean> {
  if (context.signedIn) {
    const exchange = await context.client.send({ method: 'GET', path: context.endpoints.me });
    if (exchange.status === 200) return true;
    context.signedIn = false;
  }
  context.client.jar.clear();
  return signIn(context, false);
}

function replaceCookie(header: string | undefined, name: string, value: string): string {
  const others = (header ?? '').split('; ').filter((pair) => pair !== '' && !pair.startsWith(`${name}=`));
  return [...others, `${name}=${value}`].join('; ');
}

/** Refresh rotates the refresh token, and the token it replaced is refused afterwards. */
export async function probeRefresh(context: CheckContext): Promise<void> {
  const { client, findings, endpoints } = context;
  const name = context.sessionCookies.find((cookie) => role(cookie) === 'refresh');
  if (!name) {
    findings.fail('auth.refresh-rotates', {
      request: `POST ${endpoints.login}`,
      seen: 'login set no refresh cookie',
    });
    findings.skip('auth.refresh-reuse-refused', 'login set no refresh cookie');
    return;
  }
  const old = client.jar.get(name, endpoints.refresh);
  if (old === undefined) {
    findings.fail('auth.refresh-rotates', {
      request: `POST ${endpoints.login}`,
      seen: `the ${name} cookie is not sent to ${endpoints.refresh} (its Path does not cover it)`,
    });
    return;
  }
  const rotated = await client.send({ method: 'POST', path: endpoints.refresh });
  const successor = rotated.setCookies.find((cookie) => cookie.name === name && !isClearing(cookie))?.value;
  const rotates = rotated.status === 200 && successor !== undefined && successor !== old;
  findings.check('auth.refresh-rotates', rotates, {
    request: describeExchange(rotated),
    seen:
      rotated.status !== 200
        ? `status ${rotated.status}`
        : successor === undefined
          ? `no new ${name} cookie`
          : successor === old
            ? `the same ${name} came back`
            : `a new ${name}`,
  });
  if (rotated.status === 200) inspectSessionCookies(context, rotated);
  const csrfName = client.csrfCookieName();
  const csrf = csrfName ? client.jar.get(csrfName, endpoints.refresh) : undefined;
  const replay = await client.send({
    method: 'POST',
    path: endpoints.refresh,
    cookies: { header: replaceCookie(client.jar.header(endpoints.refresh, true), name, old) },
    headers: csrf ? { 'x-csrf-token': csrf } : {},
  });
  const replayed = replay.setCookies.find((cookie) => cookie.name === name && !isClearing(cookie))?.value;
  const refused = replay.status === 401 || replay.status === 403;
  // A reuse grace window (concurrent tabs) may answer with the one successor already issued: no
  // second live token exists, so that is not a breach.
  const grace = rotates && replay.status === 200 && replayed === successor;
  findings.check('auth.refresh-reuse-refused', refused || grace, {
    request: `${describeExchange(replay)} (the ${name} replaced by rotation)`,
    seen: refused
      ? `refused with ${replay.status}`
      : grace
        ? 'answered with the same successor (reuse grace window): no second live token'
        : `accepted${replayed ? ' and a new token issued' : ''}`,
  });
}

/** Logout clears the cookies and revokes the session: the old tokens are refused afterwards. */
export async function probeLogout(context: CheckContext): Promise<void> {
  const { client, findings, endpoints } = context;
  const meHeader = client.jar.header(endpoints.me, true);
  const refreshHeader = client.jar.header(endpoints.refresh, true);
  const csrfName = client.csrfCookieName();
  const csrf = csrfName ? client.jar.get(csrfName, endpoints.refresh) : undefined;
  const exchange = await client.send({ method: 'POST', path: endpoints.logout });
  const cleared = new Set(exchange.setCookies.filter(isClearing).map((cookie) => cookie.name));
  // The session's own cookies; a device cookie (role 'other') outlives a sign-out on purpose.
  const left = context.sessionCookies.filter((name) => role(name) !== 'other' && !cleared.has(name));
  const ok = exchange.status >= 200 && exchange.status < 300 && left.length === 0;
  findings.check('auth.logout-clears-cookies', ok, {
    request: describeExchange(exchange),
    seen:
      exchange.status >= 300
        ? `status ${exchange.status}`
        : left.length > 0
          ? `not cleared: ${left.join(', ')}`
          : `cleared ${[...cleared].join(', ')}`,
  });
  context.signedIn = false;
  client.jar.clear();
  if (exchange.status >= 300) return;
  if (meHeader) {
    const me = await client.send({ method: 'GET', path: endpoints.me, cookies: { header: meHeader } });
    findings.check('auth.logout-revokes-access', me.status === 401, {
      request: `${describeExchange(me)} (with the cookies from before logout)`,
      seen:
        me.status === 401
          ? 'the old access token is refused'
          : `the old access token still answers ${me.status}`,
    });
  }
  if (refreshHeader && context.sessionCookies.some((name) => role(name) === 'refresh')) {
    const refresh = await client.send({
      method: 'POST',
      path: endpoints.refresh,
      cookies: { header: refreshHeader },
      headers: csrf ? { 'x-csrf-token': csrf } : {},
    });
    findings.check('auth.logout-revokes', refresh.status === 401 || refresh.status === 403, {
      request: `${describeExchange(refresh)} (with the cookies from before logout)`,
      seen: refresh.status === 200 ? 'the old refresh token still works' : `refused with ${refresh.status}`,
    });
  }
}

/** Writes with the session but without X-CSRF-Token are refused with 403. */
export async function probeCsrf(context: CheckContext): Promise<void> {
  const { client, findings, endpoints } = context;
  const userPath = context.user?.id ? fillPath(endpoints.user, endpoints.user, context.user.id) : undefined;
  if (userPath) {
    // The unchanged display name (or nothing): harmless if the server wrongly accepts it.
    const displayName = context.user?.displayName;
    const patch = await client.send({
      method: 'PATCH',
      path: userPath,
      body: typeof displayName === 'string' ? { displayName } : {},
      csrf: false,
    });
    if (patch.status !== 404 && patch.status !== 405) {
      findings.check('csrf.required', patch.status === 403, {
        request: `${describeExchange(patch)} (session cookies, no X-CSRF-Token)`,
        seen: patch.status === 403 ? 'refused with 403' : `answered ${patch.status}`,
      });
    }
  }
  const logout = await client.send({ method: 'POST', path: endpoints.logout, csrf: false });
  findings.check('csrf.required', logout.status === 403, {
    request: `${describeExchange(logout)} (session cookies, no X-CSRF-Token)`,
    seen: logout.status === 403 ? 'refused with 403' : `answered ${logout.status}`,
  });
  if (logout.status < 300) context.signedIn = false;
}

function detailsOf(exchange: Exchange): Record<string, unknown> | undefined {
  const details = (exchange.json as { error?: { details?: unknown } } | undefined)?.error?.details;
  return details !== null && typeof details === 'object' && !Array.isArray(details)
    ? (details as Record<string, unknown>)
    : undefined;
}

/** A bad body is refused with 400 and field-level details. */
export async function probeValidation(
  context: CheckContext,
  exchangeFor: () => Promise<Exchange>,
): Promise<void> {
  const exchange = await exchangeFor();
  const request = describeExchange(exchange);
  context.findings.check('validation.status', exchange.status === 400, {
    request,
    seen: exchange.status === 400 ? 'refused with 400' : `answered ${exchange.status}`,
  });
  const details = detailsOf(exchange);
  const fields = details ? Object.keys(details) : [];
  context.findings.check('validation.details', fields.length > 0, {
    request,
    seen: fields.length > 0 ? `details on ${fields.join(', ')}` : 'no field-level `error.details`',
  });
}
