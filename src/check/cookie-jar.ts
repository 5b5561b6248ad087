/** One Set-Cookie line, parsed (RFC 6265 §5.2): the value and the attributes a check looks at. */
export interface SetCookie {
  name: string;
  value: string;
  httpOnly: boolean;
  secure: boolean;
  /** `strict`, `lax`, `none`, or `undefined` when absent. */
  sameSite: string | undefined;
  /** `undefined` when absent (the default path is then the request's directory). */
  path: string | undefined;
  /** Seconds from now: Max-Age if present, else from Expires; `undefined` for a session cookie. */
  lifetime: number | undefined;
  /** The line as received, for evidence. */
  raw: string;
}

/** Parses one Set-Cookie header line; `undefined` when it has no `name=value`. */
export function parseSetCookie(line: string, now: number = Date.now()): SetCookie | undefined {
  const [pair = '', ...attributes] = line.split(';');
  const equals = pair.indexOf('=');
  if (equals <= 0) return undefined;
  const cookie: SetCookie = {
    name: pair.slice(0, equals).trim(),
    value: pair.slice(equals + 1).trim(),
    httpOnly: false,
    secure: false,
    sameSite: undefined,
    path: undefined,
    lifetime: undefined,
    raw: line,
  };
  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const attribute of attributes) {
    const index = attribute.indexOf('=');
    const key = (index < 0 ? attribute : attribute.slice(0, index)).trim().toLowerCase();
    const value = index < 0 ? '' : attribute.slice(index + 1).trim();
    if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'samesite') cookie.sameSite = value.toLowerCase();
    else if (key === 'path' && value.startsWith('/')) cookie.path = value;
    else if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (key === 'expires') {
      const time = Date.parse(value);
      if (!Number.isNaN(time)) expires = Math.round((time - now) / 1000);
    }
  }
  // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
  cookie.lifetime = maxAge ?? expires;
  return cookie;
}

/** Whether a cookie line removes the cookie: an empty value, or a lifetime of zero or less. */
export function isClearing(cookie: SetCookie): boolean {
  return cookie.value === '' || (cookie.lifetime !== undefined && cookie.lifetime <= 0);
}

function defaultPath(requestPath: string): string {
  const slash = requestPath.lastIndexOf('/');
  return slash <= 0 ? '/' : requestPath.slice(0, slash);
}

function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  secure: boolean;
  expiresAt: number | undefined;
}

/**
 * A cookie jar for one origin, as a browser keeps it: Set-Cookie lines are stored by name and path,
 * cleared cookies removed, and the Cookie header built by path match. Secure cookies are sent over
 * plain http only to a loopback host, as browsers treat http://localhost as a secure context.
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();
  readonly #sendSecureOverHttp: boolean;

  constructor(options: { sendSecureOverHttp: boolean }) {
    this.#sendSecureOverHttp = options.sendSecureOverHttp;
  }

  /** Stores the cookies of one response; returns them parsed. */
  store(lines: readonly string[], requestPath: string, now: number = Date.now()): SetCookie[] {
    const parsed: SetCookie[] = [];
    for (const line of lines) {
      const cookie = parseSetCookie(line, now);
      if (!cookie) continue;
      parsed.push(cookie);
      const path = cookie.path ?? defaultPath(requestPath);
      const key = `${cookie.name}\u0000${path}`;
      if (isClearing(cookie)) this.#cookies.delete(key);
      else {
        this.#cookies.set(key, {
          name: cookie.name,
          value: cookie.value,
          path,
          secure: cookie.secure,
          expiresAt: cookie.lifetime === undefined ? undefined : now + cookie.lifetime * 1000,
        });
      }
    }
    return parsed;
  }

  /** The value a request to `requestPath` would carry for `name`, if any. */
  get(name: string, requestPath = '/'): string | undefined {
    return this.#matching(requestPath, true).find((cookie) => cookie.name === name)?.value;
  }

  /** The Cookie header for a request, or `undefined` when no cookie applies. */
  header(requestPath: string, secureTransport: boolean, now: number = Date.now()): string | undefined {
    const cookies = this.#matching(requestPath, secureTransport || this.#sendSecureOverHttp, now);
    if (cookies.length === 0) return undefined;
    // Longer paths first (RFC 6265 §5.4 step 2).
    cookies.sort((a, b) => b.path.length - a.path.length);
    return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }

  /** Names of the cookies currently held. */
  names(): string[] {
    return [...new Set([...this.#cookies.values()].map((cookie) => cookie.name))];
  }

  /** Forgets every cookie. */
  clear(): void {
    this.#cookies.clear();
  }

  #matching(requestPath: string, allowSecure: boolean, now: number = Date.now()): StoredCookie[] {
    return [...this.#cookies.values()].filter(
      (cookie) =>
        (cookie.expiresAt === undefined || cookie.expiresAt > now) &&
        (allowSecure || !cookie.secure) &&
        pathMatches(cookie.path, requestPath),
    );
  }
}
