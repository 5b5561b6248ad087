import { randomBytes, randomInt } from 'node:crypto';

/** An answer as a user sees it. */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read field by field and asserted.
  body: any;
  text: string;
}

/** A client address from TEST-NET (198.18.0.0/15) for X-Forwarded-For, so shared limits are per test. */
export function randomClientIp(): string {
  return `198.18.${randomInt(256)}.${randomInt(1, 255)}`;
}

/** A unique e-mail address. */
export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomBytes(6).toString('hex')}@example.com`;
}

/** A browser-like API client over real HTTP: keeps cookies, echoes the CSRF token, has one IP. */
export class ApiClient {
  /** The origin requests go to; a test points it at a restarted server. */
  base: string;
  readonly ip: string;
  readonly jar = new Map<string, string>();

  constructor(base: string, ip = randomClientIp()) {
    this.base = base;
    this.ip = ip;
  }

  /** Sends one request; a body is sent as JSON. Rejects only when no answer came (a reset). */
  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer> {
    const sent: Record<string, string> = { 'x-forwarded-for': this.ip, ...headers };
    if (this.jar.size > 0) sent.cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const csrf = this.jar.get('csrf_token');
    if (csrf) sent['x-csrf-token'] = csrf;
    if (body !== undefined) sent['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    this.store(response.headers.getSetCookie());
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  /** Updates the jar from Set-Cookie lines (a cleared cookie is removed). */
  store(lines: readonly string[]): void {
    for (const line of lines) {
      const [pair] = line.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (!pair || index < 0) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /** A copy with the same cookies and IP (another tab of the same browser). */
  clone(): ApiClient {
    const copy = new ApiClient(this.base, this.ip);
    for (const [name, value] of this.jar) copy.jar.set(name, value);
    return copy;
  }

  /** Signs up (201) and signs in (200); returns the user's id. */
  async signUpAndLogin(
    email = uniqueEmail(),
    password = `pw-${randomBytes(8).toString('hex')}`,
  ): Promise<string> {
    const created = await this.call('POST', '/api/users', { email, password, displayName: 'Reliability' });
    if (created.status !== 201) throw new Error(`sign-up answered ${created.status}: ${created.text}`);
    const login = await this.call('POST', '/api/auth/login', { email, password });
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${login.text}`);
    return created.body.data.id as string;
  }
}
