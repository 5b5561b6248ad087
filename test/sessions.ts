import { randomBytes } from 'node:crypto';
import { insertAccount } from '../src/auth/account-repository.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import type { User } from '../src/protocol/routes/users.ts';
import type { TestApp } from './helpers.ts';

/** Cookies as a browser keeps them: name -> value, updated from each response's Set-Cookie. */
export type CookieJar = Map<string, string>;

/** Reads the Set-Cookie headers of a response into a jar (a cleared cookie is removed). */
export function storeCookies(jar: CookieJar, setCookie: string | string[] | undefined): CookieJar {
  for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const [pair] = line.split(';');
    const index = pair?.indexOf('=') ?? -1;
    if (!pair || index < 0) continue;
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
  return jar;
}

/** The Cookie header for a jar. */
export function cookieHeader(jar: CookieJar): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** A signed-in user for tests: pass `headers` to `app.inject` to act as them. */
export interface TestSession {
  user: User;
  password: string;
  jar: CookieJar;
  /** `cookie` and `x-csrf-token`, as the typed client sends them. */
  headers: Record<string, string>;
}

/** Options for {@link createSession}. */
export interface SessionOptions {
  role?: 'user' | 'admin';
  email?: string;
  displayName?: string;
  password?: string;
}

/** Headers for the session held in a jar. */
export function sessionHeaders(jar: CookieJar): Record<string, string> {
  const headers: Record<string, string> = { cookie: cookieHeader(jar) };
  const csrf = jar.get('csrf_token');
  if (csrf) headers['x-csrf-token'] = csrf;
  return headers;
}

/** Creates a user directly in the database and signs in through `POST /api/auth/login`. */
export async function createSession(testApp: TestApp, options: SessionOptions = {}): Promise<TestSession> {
  const password = options.password ?? `pw-${randomBytes(8).toString('hex')}`;
  const email = options.email ?? `user-${randomBytes(6).toString('hex')}@example.com`;
  await insertAccount(testApp.database.db, {
    email,
    passwordHash: await hashPassword(password),
    displayName: options.displayName ?? 'Test User',
    role: options.role ?? 'user',
  });
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const jar = storeCookies(new Map(), response.headers['set-cookie']);
  return { user: response.json().data as User, password, jar, headers: sessionHeaders(jar) };
}
