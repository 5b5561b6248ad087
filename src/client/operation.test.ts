import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient, type FetchLike } from './client.ts';
import { contractPath, operationAt } from './operation.ts';

const META = { requestId: 'req-1', timestamp: '2026-01-15T10:30:00.000Z' };
const page = (items: unknown[]) => ({
  items,
  pagination: {
    page: 1,
    pageSize: 20,
    totalItems: items.length,
    totalPages: 1,
    hasNextPage: false,
    hasPreviousPage: false,
  },
});

function reply(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
const ok = (data: unknown, status = 200) => reply(status, { success: true, data, meta: META });
const fail = (status: number, code: string) =>
  reply(status, { success: false, error: { code, message: code }, meta: META });

function setup(handler: (method: string, url: string, index: number) => Response | Promise<Response>) {
  const seen: { method: string; url: string; headers: Record<string, string>; body: unknown }[] = [];
  const fetch: FetchLike = async (url, init) => {
    seen.push({
      method: String(init.method),
      url,
      headers: { ...(init.headers as Record<string, string>) },
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    return handler(String(init.method), url, seen.length - 1);
  };
  const client = createClient({ fetch, cookies: () => 'csrf_token=t1', locks: null, channel: null });
  return { client, seen };
}

test('contractPath turns OpenAPI parameters into the contract form', () => {
  assert.equal(contractPath('/api/users/{id}/posts'), '/api/users/:id/posts');
  assert.equal(contractPath('/api/auth/sessions/revoke-others'), '/api/auth/sessions/revoke-others');
  assert.deepEqual(operationAt('delete', '/api/auth/sessions/{id}', 'revokeSession'), {
    method: 'DELETE',
    path: '/api/auth/sessions/:id',
    operationId: 'revokeSession',
  });
});

test('request fills the path and query, and sends the body with the CSRF header on a write', async () => {
  const { client, seen } = setup(() => ok({ id: 'p1' }, 201));
  const result = await client.request(operationAt('post', '/api/users/{id}/posts', 'createPost'), {
    params: { id: 'u 1' },
    query: { draft: true },
    body: { title: 'Hi', body: '' },
  });
  assert.equal(result.kind, 'created');
  assert.equal(seen[0]?.method, 'POST');
  assert.equal(seen[0]?.url, '/api/users/u%201/posts?draft=true');
  assert.equal(seen[0]?.headers['X-CSRF-Token'], 't1');
  assert.deepEqual(seen[0]?.body, { title: 'Hi', body: '' });
});

test('request gives the matrix variants: empty, validation with details, 204', async () => {
  const { client } = setup((method) => {
    if (method === 'GET') return ok(page([]));
    if (method === 'DELETE') return new Response(null, { status: 204 });
    return reply(400, {
      success: false,
      error: { code: 'VALIDATION_ERROR', message: 'Invalid', details: { title: ['Required'] } },
      meta: META,
    });
  });
  assert.equal((await client.request(operationAt('get', '/api/widgets'))).kind, 'empty');
  assert.equal(
    (await client.request(operationAt('delete', '/api/widgets/{id}'), { params: { id: 'w1' } })).kind,
    'noContent',
  );
  const invalid = await client.request(operationAt('post', '/api/widgets'), { body: {} });
  assert.equal(invalid.kind, 'validation');
  if (invalid.kind === 'validation') assert.deepEqual(invalid.details, { title: ['Required'] });
});

test('request refreshes once on an expired token and retries', async () => {
  const { client, seen } = setup((_method, url, index) => {
    if (url === '/api/auth/refresh') return ok({ user: {} });
    return index === 0 ? fail(401, 'TOKEN_EXPIRED') : ok(page([{ id: 's1' }]));
  });
  const result = await client.request(operationAt('get', '/api/auth/sessions', 'listSessions'));
  assert.equal(result.kind, 'success');
  assert.deepEqual(
    seen.map((request) => request.url),
    ['/api/auth/sessions', '/api/auth/refresh', '/api/auth/sessions'],
  );
});

test('a read known only at run time falls back to its last answer offline', async () => {
  let online = true;
  const { client } = setup(() => (online ? ok(page([{ id: 'w1' }])) : Promise.reject(new TypeError('x'))));
  const operation = operationAt('get', '/api/widgets', 'listWidgets');
  assert.equal((await client.request(operation)).kind, 'success');
  online = false;
  const result = await client.request(operation);
  assert.equal(result.kind, 'offline');
  assert.ok(result.kind === 'offline' && result.cached !== null);
});
