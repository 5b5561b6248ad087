import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { routeManifest } from '../protocol/contract.ts';
import { type ReferenceContract, referenceContract } from '../protocol/routes/index.ts';
import { type ClientOptions, createClient, type FetchLike } from './client.ts';
import type { ResponseLike } from './response.ts';

const USER_ID = '7f1b1f36-2a0c-4f7d-9a55-0c1a8a0d7e11';
const META = { requestId: 'req-1', timestamp: '2026-01-15T10:30:00.000Z' };
const user = {
  id: USER_ID,
  email: 'ada@example.com',
  displayName: 'Ada',
  avatarUrl: null,
  role: 'user',
  isActive: true,
  createdAt: META.timestamp,
  updatedAt: META.timestamp,
};
const emptyPage = {
  items: [],
  pagination: {
    page: 1,
    pageSize: 20,
    totalItems: 0,
    totalPages: 0,
    hasNextPage: false,
    hasPreviousPage: false,
    nextCursor: null,
    prevCursor: null,
  },
};

/** One request the fake server saw. */
interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

type Handler = (request: Seen, index: number) => ResponseLike | Promise<ResponseLike>;

function reply(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  const text = body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(text, {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-1', ...headers },
  });
}

const ok = (data: unknown, status = 200) => reply(status, { success: true, data, meta: META });
const fail = (status: number, code: string, extra: Record<string, unknown> = {}, headers = {}) =>
  reply(
    status,
    { success: false, error: { code, message: `${code} message`, ...extra }, meta: META },
    headers,
  );

/** A fake API: a handler per request, a cookie jar, no timers (sleeps are recorded, not waited). */
function setup(handler: Handler, options: Partial<ClientOptions<ReferenceContract>> = {}) {
  const seen: Seen[] = [];
  const sleeps: number[] = [];
  const jar = { cookies: 'csrf_token=token-1' };
  const fetch: FetchLike = async (url, init) => {
    const request: Seen = {
      method: String(init.method),
      url,
      headers: { ...(init.headers as Record<string, string>) },
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
      credentials: init.credentials,
    };
    seen.push(request);
    return handler(request, seen.length - 1);
  };
  const client = createClient<ReferenceContract>({
    routes: routeManifest(referenceContract),
    fetch,
    cookies: () => jar.cookies,
    locks: null,
    channel: null,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { client, seen, sleeps, jar };
}

const offline = () => Promise.reject(new TypeError('Failed to fetch'));

describe('state matrix: one result variant per row', () => {
  test('200 with data: success', async () => {
    const { client } = setup(() => ok(user));
    const result = await client.call('getCurrentUser');
    assert.equal(result.kind, 'success');
    if (result.kind !== 'success') return;
    assert.equal(result.data.email, 'ada@example.com');
    assert.deepEqual(result.meta, META);
  });

  test('200 with an empty page: empty', async () => {
    const { client, seen } = setup(() => ok(emptyPage));
    const result = await client.call('listUsers', { query: { page: 1, search: 'nobody' } });
    assert.equal(result.kind, 'empty');
    assert.equal(seen[0]?.url, '/api/users?page=1&search=nobody');
  });

  test('201: created', async () => {
    const { client, seen } = setup(() => ok(user, 201));
    const body = { email: 'ada@example.com', password: 'correct horse', displayName: 'Ada' };
    const result = await client.call('createUser', { body });
    assert.equal(result.kind, 'created');
    assert.deepEqual(seen[0]?.body, body);
    assert.equal(seen[0]?.headers['Content-Type'], 'application/json');
  });

  test('204: noContent', async () => {
    const { client, seen } = setup(() => reply(204));
    const result = await client.call('deleteUser', { params: { id: USER_ID } });
    assert.deepEqual(result, { kind: 'noContent', status: 204 });
    assert.equal(seen[0]?.method, 'DELETE');
    assert.equal(seen[0]?.url, `/api/users/${USER_ID}`);
  });

  test('400: validation, with the field errors', async () => {
    const details = { email: ['Must be a valid email address'], password: ['Required'] };
    const { client } = setup(() => fail(400, 'VALIDATION_ERROR', { details }));
    const result = await client.call('createUser', { body: { email: 'x', password: '', displayName: 'A' } });
    assert.equal(result.kind, 'validation');
    if (result.kind !== 'validation') return;
    assert.equal(result.code, 'VALIDATION_ERROR');
    assert.deepEqual(result.details, details);
    assert.equal(result.requestId, 'req-1');
  });

  test('401 the refresh cannot fix: unauthorized', async () => {
    const { client, seen } = setup((request) =>
      request.url === '/api/auth/refresh' ? fail(401, 'UNAUTHORIZED') : fail(401, 'TOKEN_EXPIRED'),
    );
    const result = await client.call('getCurrentUser');
    assert.equal(result.kind, 'unauthorized');
    if (result.kind !== 'unauthorized') return;
    assert.equal(result.code, 'TOKEN_EXPIRED');
    assert.deepEqual(
      seen.map((request) => `${request.method} ${request.url}`),
      ['GET /api/auth/me', 'POST /api/auth/refresh'],
    );
  });

  test('403: forbidden; 404 and 405: notFound; 409: conflict', async () => {
    const answers = [
      fail(403, 'INSUFFICIENT_PERMISSIONS'),
      fail(404, 'NOT_FOUND'),
      fail(405, 'METHOD_NOT_ALLOWED'),
      fail(409, 'ALREADY_EXISTS', { details: { email: ['Already exists'] } }),
    ];
    const { client } = setup((_request, index) => answers[index] ?? reply(500));
    const params = { params: { id: USER_ID } };
    assert.equal((await client.call('activateUser', params)).kind, 'forbidden');
    assert.equal((await client.call('getUser', params)).kind, 'notFound');
    assert.equal((await client.call('getUser', params)).kind, 'notFound');
    const conflict = await client.call('createUser', {
      body: { email: 'ada@example.com', password: 'correct horse', displayName: 'Ada' },
    });
    assert.equal(conflict.kind, 'conflict');
    if (conflict.kind === 'conflict') assert.deepEqual(conflict.details, { email: ['Already exists'] });
  });

  test('5xx: serverError with a retry hint', async () => {
    const answers = [
      fail(500, 'INTERNAL_ERROR'),
      fail(500, 'DATABASE_ERROR'),
      fail(503, 'SERVICE_UNAVAILABLE', {}, { 'retry-after': '5' }),
      reply(502, '<html>Bad gateway</html>', { 'content-type': 'text/html' }),
    ];
    const { client, seen } = setup((_request, index) => answers[index] ?? reply(500));
    const read = await client.call('getUser', { params: { id: USER_ID } });
    assert.deepEqual(read.kind === 'serverError' && [read.code, read.retryable, read.retryAfter], [
      'INTERNAL_ERROR',
      true,
      null,
    ]);
    const body = { title: 'Hello', body: 'World' };
    const write = await client.call('createPost', { params: { id: USER_ID }, body });
    assert.deepEqual(write.kind === 'serverError' && [write.code, write.retryable], [
      'DATABASE_ERROR',
      false,
    ]);
    const unavailable = await client.call('createPost', { params: { id: USER_ID }, body });
    // A write is never repeated on its own, but a 503 says it was not processed: safe to retry.
    assert.deepEqual(unavailable.kind === 'serverError' && [unavailable.retryable, unavailable.retryAfter], [
      true,
      5,
    ]);
    const proxy = await client.call('getHealth');
    assert.deepEqual(proxy.kind === 'serverError' && [proxy.status, proxy.code, proxy.requestId], [
      502,
      null,
      'req-1',
    ]);
    assert.equal(seen.length, 4);
  });

  test('429 on a write: rateLimited with its Retry-After, not retried', async () => {
    const { client, seen, sleeps } = setup(() => fail(429, 'RATE_LIMITED', {}, { 'retry-after': '30' }));
    const result = await client.call('login', { body: { email: 'ada@example.com', password: 'x' } });
    assert.deepEqual(result.kind === 'rateLimited' && [result.code, result.retryAfter], ['RATE_LIMITED', 30]);
    assert.equal(seen.length, 1);
    assert.deepEqual(sleeps, []);
  });

  test('no response at all: offline, with no cached data for a write', async () => {
    const { client } = setup(offline);
    const result = await client.call('logout');
    assert.deepEqual(result, { kind: 'offline', cached: null });
  });

  test('a 2xx that is not an envelope is a server error, never rendered as data', async () => {
    const { client } = setup(() =>
      reply(200, '<html>captive portal</html>', { 'content-type': 'text/html' }),
    );
    const result = await client.call('getCurrentUser');
    assert.equal(result.kind, 'serverError');
  });
});

describe('cookies and CSRF', () => {
  test('every request sends credentials; writes carry X-CSRF-Token from the csrf_token cookie', async () => {
    const { client, seen, jar } = setup((request) => (request.method === 'GET' ? ok(user) : reply(204)));
    jar.cookies = 'theme=dark; csrf_token=abc%2Bdef.ghi; other=1';
    await client.call('getCurrentUser');
    await client.call('logout');
    await client.call('deleteUser', { params: { id: USER_ID } });
    assert.ok(seen.every((request) => request.credentials === 'include'));
    assert.equal(seen[0]?.headers['X-CSRF-Token'], undefined);
    assert.equal(seen[1]?.headers['X-CSRF-Token'], 'abc+def.ghi');
    assert.equal(seen[2]?.headers['X-CSRF-Token'], 'abc+def.ghi');
  });

  test('no csrf_token cookie (signed out): no header', async () => {
    const { client, seen, jar } = setup(() => ok(user));
    jar.cookies = '';
    await client.call('login', { body: { email: 'ada@example.com', password: 'x' } });
    assert.equal(seen[0]?.headers['X-CSRF-Token'], undefined);
  });
});

describe('refresh on 401', () => {
  test('TOKEN_EXPIRED: one refresh, then the original request again, with the rotated CSRF token', async () => {
    let expired = true;
    const { client, seen, jar } = setup((request) => {
      if (request.url === '/api/auth/refresh') {
        expired = false;
        jar.cookies = 'csrf_token=token-2';
        return ok(user);
      }
      return expired ? fail(401, 'TOKEN_EXPIRED') : ok({ ...user, displayName: 'Ada L.' });
    });
    const result = await client.call('updateUser', {
      params: { id: USER_ID },
      body: { displayName: 'Ada L.' },
    });
    assert.equal(result.kind, 'success');
    assert.deepEqual(
      seen.map((request) => [request.method, request.url, request.headers['X-CSRF-Token']]),
      [
        ['PATCH', `/api/users/${USER_ID}`, 'token-1'],
        ['POST', '/api/auth/refresh', 'token-1'],
        ['PATCH', `/api/users/${USER_ID}`, 'token-2'],
      ],
    );
    assert.deepEqual(seen[2]?.body, { displayName: 'Ada L.' });
  });

  test('ten concurrent 401s: a single refresh, and all ten retried once', async () => {
    let refreshes = 0;
    let refreshed = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { client, seen } = setup(async (request) => {
      if (request.url === '/api/auth/refresh') {
        refreshes += 1;
        await gate;
        refreshed = true;
        return ok(user);
      }
      return refreshed ? ok(user) : fail(401, 'UNAUTHORIZED');
    });
    const calls = Array.from({ length: 10 }, () => client.call('getCurrentUser'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    const results = await Promise.all(calls);
    assert.deepEqual(
      results.map((result) => result.kind),
      Array(10).fill('success'),
    );
    assert.equal(refreshes, 1);
    assert.equal(seen.length, 21);
  });

  test('the retry is made once: a second 401 is unauthorized, with no second refresh', async () => {
    const { client, seen } = setup((request) =>
      request.url === '/api/auth/refresh' ? ok(user) : fail(401, 'TOKEN_EXPIRED'),
    );
    const result = await client.call('getCurrentUser');
    assert.equal(result.kind, 'unauthorized');
    assert.equal(seen.filter((request) => request.url === '/api/auth/refresh').length, 1);
    assert.equal(seen.length, 3);
  });

  test('401s a refresh cannot help (bad credentials, a forged token) are returned at once', async () => {
    const answers = [fail(401, 'INVALID_CREDENTIALS'), fail(401, 'TOKEN_INVALID')];
    const { client, seen } = setup((_request, index) => answers[index] ?? reply(500));
    assert.equal(
      (await client.call('login', { body: { email: 'a@example.com', password: 'x' } })).kind,
      'unauthorized',
    );
    assert.equal((await client.call('getCurrentUser')).kind, 'unauthorized');
    assert.equal(seen.length, 2);
  });

  test('the refresh call itself is never refreshed', async () => {
    const { client, seen } = setup(() => fail(401, 'UNAUTHORIZED'));
    assert.equal((await client.call('refreshSession')).kind, 'unauthorized');
    assert.equal(seen.length, 1);
  });

  test('a refresh the server cannot do now (503): a retryable server error, still signed in', async () => {
    let mode: 'online' | 'expired' | 'offline' = 'online';
    const { client } = setup((request) => {
      if (mode === 'offline') return offline();
      if (request.url === '/api/auth/refresh') {
        return fail(503, 'SERVICE_UNAVAILABLE', {}, { 'retry-after': '5' });
      }
      return mode === 'expired' ? fail(401, 'TOKEN_EXPIRED') : ok(user);
    });
    await client.call('getCurrentUser');
    mode = 'expired';
    const result = await client.call('updateUser', { params: { id: USER_ID }, body: { displayName: 'A' } });
    assert.deepEqual(result.kind === 'serverError' && [result.code, result.retryable, result.retryAfter], [
      'SERVICE_UNAVAILABLE',
      true,
      5,
    ]);
    mode = 'offline';
    const cached = await client.call('getCurrentUser');
    assert.equal(cached.kind === 'offline' && cached.cached?.data.email, 'ada@example.com');
  });

  test('the network drops during the refresh: offline', async () => {
    const { client } = setup((request) =>
      request.url === '/api/auth/refresh' ? offline() : fail(401, 'TOKEN_EXPIRED'),
    );
    assert.deepEqual(await client.call('getCurrentUser'), { kind: 'offline', cached: null });
  });
});

describe('Retry-After on reads', () => {
  test('a 503 with Retry-After is waited out and retried', async () => {
    const answers = [
      fail(503, 'SERVICE_UNAVAILABLE', {}, { 'retry-after': '1' }),
      ok({ status: 'ok', database: 'up' }),
    ];
    const { client, sleeps } = setup((_request, index) => answers[index] ?? reply(500));
    assert.equal((await client.call('getHealth')).kind, 'success');
    assert.deepEqual(sleeps, [1_000]);
  });

  test('retries are bounded: after two, the 429 is returned', async () => {
    const { client, seen, sleeps } = setup(() => fail(429, 'RATE_LIMITED', {}, { 'retry-after': '2' }));
    const result = await client.call('listUsers');
    assert.deepEqual(result.kind === 'rateLimited' && result.retryAfter, 2);
    assert.equal(seen.length, 3);
    assert.deepEqual(sleeps, [2_000, 2_000]);
  });

  test('an HTTP-date Retry-After counts from now', async () => {
    const now = Date.parse('2026-01-15T10:30:00.000Z');
    const answers = [
      fail(503, 'SERVICE_UNAVAILABLE', {}, { 'retry-after': 'Thu, 15 Jan 2026 10:30:03 GMT' }),
      ok({ status: 'ok', database: 'up' }),
    ];
    const { client, sleeps } = setup((_request, index) => answers[index] ?? reply(500), { now: () => now });
    assert.equal((await client.call('getHealth')).kind, 'success');
    assert.deepEqual(sleeps, [3_000]);
  });

  test('no Retry-After, a wait longer than the bound, or a write: not retried', async () => {
    const { client: bare, seen: bareSeen } = setup(() => fail(503, 'SERVICE_UNAVAILABLE'));
    assert.equal((await bare.call('getHealth')).kind, 'serverError');
    assert.equal(bareSeen.length, 1);
    const { client: long, sleeps } = setup(() =>
      fail(503, 'SERVICE_UNAVAILABLE', {}, { 'retry-after': '60' }),
    );
    assert.equal((await long.call('getHealth')).kind, 'serverError');
    assert.deepEqual(sleeps, []);
    const { client: writer, seen } = setup(() =>
      fail(503, 'SERVICE_UNAVAILABLE', {}, { 'retry-after': '1' }),
    );
    assert.equal((await writer.call('logout')).kind, 'serverError');
    assert.equal(seen.length, 1);
  });
});

describe('offline cache', () => {
  test('with no network, a read returns its last good answer, marked stale', async () => {
    let online = true;
    const { client } = setup(() => (online ? ok(user) : offline()), { now: () => 42 });
    assert.equal((await client.call('getUser', { params: { id: USER_ID } })).kind, 'success');
    online = false;
    const result = await client.call('getUser', { params: { id: USER_ID } });
    assert.deepEqual(result, {
      kind: 'offline',
      cached: { data: user, meta: META, receivedAt: 42, stale: true },
    });
    const other = await client.call('getUser', { params: { id: '00000000-0000-4000-8000-000000000000' } });
    assert.deepEqual(other, { kind: 'offline', cached: null });
  });

  test('each query is its own entry; an empty answer is cached too', async () => {
    let online = true;
    const { client } = setup((request) => {
      if (!online) return offline();
      return request.url.includes('page=2') ? ok(emptyPage) : ok({ ...emptyPage, items: [user] });
    });
    await client.call('listUsers', { query: { page: 1 } });
    await client.call('listUsers', { query: { page: 2 } });
    online = false;
    const first = await client.call('listUsers', { query: { page: 1 } });
    const second = await client.call('listUsers', { query: { page: 2 } });
    assert.equal(first.kind === 'offline' && first.cached?.data.items.length, 1);
    assert.equal(second.kind === 'offline' && second.cached?.data.items.length, 0);
  });

  test('signing out, or a session that cannot be refreshed, forgets the cache', async () => {
    let mode: 'online' | 'offline' | 'expired' = 'online';
    const { client } = setup((request) => {
      if (mode === 'offline') return offline();
      if (request.url === '/api/auth/logout') return reply(204);
      if (mode === 'expired') return fail(401, 'TOKEN_EXPIRED');
      return ok(user);
    });
    await client.call('getCurrentUser');
    await client.call('logout');
    mode = 'offline';
    assert.deepEqual(await client.call('getCurrentUser'), { kind: 'offline', cached: null });
    mode = 'online';
    await client.call('getCurrentUser');
    mode = 'expired';
    assert.equal((await client.call('getCurrentUser')).kind, 'unauthorized');
    mode = 'offline';
    assert.deepEqual(await client.call('getCurrentUser'), { kind: 'offline', cached: null });
  });

  test('the cache is bounded', async () => {
    let online = true;
    const { client } = setup(() => (online ? ok(user) : offline()), { cacheSize: 2 });
    for (const page of [1, 2, 3]) await client.call('listUsers', { query: { page } });
    online = false;
    const oldest = await client.call('listUsers', { query: { page: 1 } });
    const newest = await client.call('listUsers', { query: { page: 3 } });
    assert.equal(oldest.kind === 'offline' && oldest.cached, null);
    assert.notEqual(newest.kind === 'offline' && newest.cached, null);
  });

  test("a caller's abort is not offline: the call rejects", async () => {
    const { client } = setup((request) =>
      Promise.reject(new DOMException(`aborted ${request.url}`, 'AbortError')),
    );
    await assert.rejects(client.call('getHealth', { signal: AbortSignal.abort() }), { name: 'AbortError' });
  });
});

describe('requests', () => {
  test('path parameters are encoded; query arrays repeat, undefined is left out', async () => {
    const { client, seen } = setup(() => ok(emptyPage));
    await client.call('listUserPosts', { params: { id: 'a/b c' }, query: { page: 2, search: undefined } });
    assert.equal(seen[0]?.url, '/api/users/a%2Fb%20c/posts?page=2');
  });

  test('a base URL prefixes every request, the refresh included', async () => {
    const { client, seen } = setup(
      (request) =>
        request.url.endsWith('/refresh') ? fail(401, 'UNAUTHORIZED') : fail(401, 'TOKEN_EXPIRED'),
      { baseUrl: 'https://api.example.test' },
    );
    await client.call('getCurrentUser');
    assert.deepEqual(
      seen.map((request) => request.url),
      ['https://api.example.test/api/auth/me', 'https://api.example.test/api/auth/refresh'],
    );
  });
});
