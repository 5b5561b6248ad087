import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { z } from 'zod';
import { moduleOf } from '../src/kit/index.ts';
import { defineRoute } from '../src/protocol/contract.ts';
import { implement } from '../src/protocol/handler.ts';
import { uuidSchema } from '../src/protocol/ids.ts';
import { paginationQuerySchema } from '../src/protocol/pagination.ts';
import { MALFORMED_PAGING } from './api-requests.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession } from './sessions.ts';

const widgetRoute = defineRoute({
  method: 'POST',
  path: '/api/test/widgets/:id',
  summary: 'test route with params, query and body',
  tags: ['test'],
  access: 'public',
  params: z.object({ id: uuidSchema }),
  query: z.strictObject({ mode: z.enum(['fast', 'slow']).optional() }),
  body: z.strictObject({
    name: z.string().min(1).max(20),
    count: z.number().int().optional(),
    address: z.strictObject({ city: z.string(), zip: z.string() }).optional(),
  }),
  responses: { 201: z.object({ id: z.string(), name: z.string() }) },
  errors: ['VALIDATION_ERROR', 'MISSING_FIELD'],
});

const listRoute = defineRoute({
  method: 'GET',
  path: '/api/test/widgets',
  summary: 'test list',
  tags: ['test'],
  access: 'public',
  query: paginationQuerySchema(['createdAt', 'name'], 'createdAt').strict(),
  responses: {
    200: z.object({ page: z.number(), pageSize: z.number(), sortBy: z.string(), sortOrder: z.string() }),
  },
  errors: ['VALIDATION_ERROR'],
});

function failing(path: string, run: () => Promise<never>) {
  return implement(
    defineRoute({
      method: 'POST',
      path,
      summary: 'fails',
      tags: ['test'],
      access: 'public',
      responses: { 204: null },
      errors: [],
    }),
    run,
  );
}

let test_: TestApp;
const routes = moduleOf({
  createWidget: implement(widgetRoute, async (input) => ({
    status: 201,
    // `internal` is not in the response schema: the contract must strip it.
    data: { id: input.params.id, name: input.body.name, internal: 'secret' } as { id: string; name: string },
  })),
  listWidgets: implement(listRoute, async (input) => ({ status: 200, data: input.query })),
  crash: failing('/api/test/crash', async () => {
    throw new Error('boom: select password_hash from users');
  }),
  duplicate: failing('/api/test/duplicate', async () => {
    const user = { email: 'dup@example.com', password_hash: 'x', display_name: 'Dup' };
    await test_.database.db.insertInto('users').values(user).execute();
    await test_.database.db.insertInto('users').values(user).execute();
    throw new Error('unreachable');
  }),
  badSql: failing('/api/test/bad-sql', async () => {
    await sql`select * from no_such_table`.execute(test_.database.db);
    throw new Error('unreachable');
  }),
  breach: failing('/api/test/breach', async () => {
    return { status: 201, data: {} } as never;
  }),
  // Declares `name` and leaves it out: a breach of the contract the serializer must not paper over.
  incomplete: implement(
    defineRoute({
      method: 'GET',
      path: '/api/test/incomplete',
      summary: 'answers without a declared field',
      tags: ['test'],
      access: 'public',
      responses: { 200: z.object({ id: z.string(), name: z.string() }) },
      errors: [],
    }),
    async () => ({ status: 200, data: { id: ID } as { id: string; name: string } }),
  ),
  deleteWidget: implement(
    defineRoute({
      method: 'DELETE',
      path: '/api/test/widgets/:id',
      summary: 'no content',
      tags: ['test'],
      access: 'public',
      params: z.object({ id: uuidSchema }),
      responses: { 204: null },
      errors: [],
    }),
    async () => ({ status: 204, data: undefined }),
  ),
});

const ID = '7f1b1f36-2a0c-4f7d-9a55-0c1a8a0d7e11';

before(async () => {
  test_ = await buildTestApp({ modules: [routes] });
});
after(async () => {
  await test_.close();
});

async function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return test_.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

function assertFailure(
  response: { statusCode: number; json(): unknown; headers: Record<string, unknown> },
  status: number,
  code: string,
) {
  assert.equal(response.statusCode, status);
  const body = response.json() as {
    success: boolean;
    error: { code: string; message: string };
    meta: { requestId: string; timestamp: string };
  };
  assert.equal(body.success, false);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.match(body.meta.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(body.meta.requestId, response.headers['x-request-id']);
  return body as { error: { code: string; message: string; details?: Record<string, string[]> } };
}

describe('routes and envelope', () => {
  test('a valid request gets 201 in the envelope, with undeclared fields stripped', async () => {
    const response = await post(`/api/test/widgets/${ID}?mode=fast`, { name: 'gear' });
    assert.equal(response.statusCode, 201);
    const body = response.json();
    assert.deepEqual(body.data, { id: ID, name: 'gear' });
    assert.equal(body.success, true);
    assert.equal(body.meta.requestId, response.headers['x-request-id']);
  });

  test('204 has no body', async () => {
    const response = await test_.app.inject({ method: 'DELETE', url: `/api/test/widgets/${ID}` });
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, '');
  });

  test('unknown route: 404 NOT_FOUND envelope', async () => {
    assertFailure(await test_.app.inject({ method: 'GET', url: '/api/nothing/here' }), 404, 'NOT_FOUND');
    assertFailure(await test_.app.inject({ method: 'GET', url: '/elsewhere' }), 404, 'NOT_FOUND');
  });

  test('a trailing slash is not the route: 404 NOT_FOUND, never a parameter error', async () => {
    for (const [method, url] of [
      ['GET', '/api/health/'],
      ['PUT', '/api/health/'],
      ['POST', `/api/test/widgets/${ID}/`],
      ['GET', `/api/test/widgets/${ID}/`],
    ] as const) {
      const body = assertFailure(await test_.app.inject({ method, url }), 404, 'NOT_FOUND');
      assert.equal(body.error.message, 'No such route', `${method} ${url}`);
    }
  });

  test('known path, wrong method: 405 METHOD_NOT_ALLOWED with Allow', async () => {
    const response = await test_.app.inject({ method: 'PUT', url: '/api/health' });
    assertFailure(response, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(response.headers.allow, 'GET, HEAD');
    const widget = await test_.app.inject({ method: 'GET', url: `/api/test/widgets/${ID}` });
    assertFailure(widget, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(widget.headers.allow, 'DELETE, POST');
  });

  test('a valid X-Request-Id is echoed; anything else is replaced by a UUID', async () => {
    const kept = await test_.app.inject({ url: '/api/health', headers: { 'x-request-id': 'abc.DEF_1:2-3' } });
    assert.equal(kept.headers['x-request-id'], 'abc.DEF_1:2-3');
    assert.equal(kept.json().meta.requestId, 'abc.DEF_1:2-3');
    for (const bad of ['has space', 'x'.repeat(129), 'semi;colon', '']) {
      const response = await test_.app.inject({ url: '/api/health', headers: { 'x-request-id': bad } });
      assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      assert.notEqual(response.headers['x-request-id'], bad);
    }
  });

  test('security headers on every response, no server fingerprint', async () => {
    for (const url of ['/api/health', '/api/missing']) {
      const response = await test_.app.inject({ url });
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.equal(response.headers.server, undefined);
      assert.equal(response.headers['x-powered-by'], undefined);
      assert.ok(response.headers['content-security-policy']);
    }
  });
});

describe('malformed requests', () => {
  test('text/plain and form bodies: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const response = await post(`/api/test/widgets/${ID}`, 'name=gear', { 'content-type': type });
      assertFailure(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  test('a JSON body in another charset: 415, and bytes that are not UTF-8: 400, never stored as U+FFFD', async () => {
    // RFC 8259: JSON between systems is UTF-8. Decoding other bytes as UTF-8 would store other text.
    for (const charset of ['latin1', 'ISO-8859-1', 'utf-16', 'windows-1252']) {
      const body = assertFailure(
        await post(
          `/api/test/widgets/${ID}`,
          { name: 'gear' },
          { 'content-type': `application/json; charset=${charset}` },
        ),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      assert.equal(body.error.message, 'JSON request bodies must be UTF-8', charset);
    }
    const latin1 = await test_.app.inject({
      method: 'POST',
      url: `/api/test/widgets/${ID}`,
      headers: { 'content-type': 'application/json' },
      // ë as the one byte 0xEB: not UTF-8.
      payload: Buffer.from('{"name":"Zo\u00eb"}', 'latin1'),
    });
    const body = assertFailure(latin1, 400, 'INVALID_INPUT');
    assert.equal(body.error.message, 'Request body is not valid UTF-8');
    // UTF-8 itself, however the charset is spelled, and a byte order mark, are accepted.
    for (const charset of ['utf-8', 'UTF-8', 'utf8', '"utf-8"']) {
      const response = await post(
        `/api/test/widgets/${ID}`,
        { name: 'Zoë' },
        {
          'content-type': `application/json; charset=${charset}`,
        },
      );
      assert.equal(response.statusCode, 201, `${charset}: ${response.body}`);
      assert.equal(response.json().data.name, 'Zoë');
    }
    assert.equal((await post(`/api/test/widgets/${ID}`, '\ufeff{"name":"bom"}')).statusCode, 201);
  });

  test('a body over 1 MiB: 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await post(`/api/test/widgets/${ID}`, { name: 'x'.repeat(1_100_000) });
    assertFailure(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  test('unparseable JSON and an empty JSON body: 400 INVALID_INPUT', async () => {
    assertFailure(await post(`/api/test/widgets/${ID}`, '{"name": '), 400, 'INVALID_INPUT');
    assertFailure(await post(`/api/test/widgets/${ID}`, ''), 400, 'INVALID_INPUT');
  });

  test('prototype poisoning keys: 400 INVALID_INPUT', async () => {
    assertFailure(
      await post(`/api/test/widgets/${ID}`, '{"name":"a","__proto__":{"admin":true}}'),
      400,
      'INVALID_INPUT',
    );
    assertFailure(
      await post(`/api/test/widgets/${ID}`, '{"name":"a","constructor":{"prototype":{"admin":true}}}'),
      400,
      'INVALID_INPUT',
    );
  });

  test('a body that is not an object: 400 INVALID_INPUT', async () => {
    for (const payload of ['[1,2]', '"text"', '42', 'null']) {
      const body = assertFailure(await post(`/api/test/widgets/${ID}`, payload), 400, 'INVALID_INPUT');
      assert.match(body.error.message, /JSON object/);
    }
  });

  test('a non-UUID path id: 400 INVALID_INPUT', async () => {
    const body = assertFailure(
      await post('/api/test/widgets/not-a-uuid', { name: 'gear' }),
      400,
      'INVALID_INPUT',
    );
    assert.deepEqual(Object.keys(body.error.details ?? {}), ['id']);
  });

  test('a NUL character in a body, query or path string: 400, never a 500', async () => {
    const body = assertFailure(
      await post(`/api/test/widgets/${ID}`, { name: 'a\u0000b' }),
      400,
      'VALIDATION_ERROR',
    );
    assert.deepEqual(body.error.details, { name: ['Must not contain NUL characters'] });
    const nested = assertFailure(
      await post(`/api/test/widgets/${ID}`, { name: 'a', address: { city: '\u0000', zip: '1' } }),
      400,
      'VALIDATION_ERROR',
    );
    assert.deepEqual(Object.keys(nested.error.details ?? {}), ['address.city']);
    assertFailure(await post(`/api/test/widgets/${ID}?mode=%00`, { name: 'a' }), 400, 'VALIDATION_ERROR');
    assertFailure(await post('/api/test/widgets/%00', { name: 'a' }), 400, 'INVALID_INPUT');
  });

  test('an unpaired surrogate in a string: 400, never stored as U+FFFD', async () => {
    // UTF-8 cannot encode a lone surrogate: the driver would store U+FFFD and answer other text.
    const body = assertFailure(
      await post(`/api/test/widgets/${ID}`, { name: 'a\ud800b' }),
      400,
      'VALIDATION_ERROR',
    );
    assert.deepEqual(body.error.details, { name: ['Must be well-formed Unicode (no unpaired surrogates)'] });
    const both = assertFailure(
      await post(`/api/test/widgets/${ID}`, { name: '\udc00', address: { city: 'x\u0000', zip: '1' } }),
      400,
      'VALIDATION_ERROR',
    );
    assert.deepEqual(both.error.details, {
      name: ['Must be well-formed Unicode (no unpaired surrogates)'],
      'address.city': ['Must not contain NUL characters'],
    });
    // A surrogate pair (an emoji) is well formed and accepted.
    assert.equal((await post(`/api/test/widgets/${ID}`, { name: 'ok \ud83d\ude00' })).statusCode, 201);
  });
});

describe('validation', () => {
  test('only missing fields: 400 MISSING_FIELD with details per field', async () => {
    const body = assertFailure(await post(`/api/test/widgets/${ID}`, {}), 400, 'MISSING_FIELD');
    assert.deepEqual(body.error.details, { name: ['Required'] });
    const nested = assertFailure(
      await post(`/api/test/widgets/${ID}`, { name: 'a', address: {} }),
      400,
      'MISSING_FIELD',
    );
    assert.deepEqual(nested.error.details, { 'address.city': ['Required'], 'address.zip': ['Required'] });
  });

  test('invalid values: 400 VALIDATION_ERROR keyed by camelCase path with readable messages', async () => {
    const body = assertFailure(
      await post(`/api/test/widgets/${ID}`, { name: '', count: 1.5, address: { city: 3, zip: '1' } }),
      400,
      'VALIDATION_ERROR',
    );
    assert.deepEqual(Object.keys(body.error.details ?? {}).sort(), ['address.city', 'count', 'name']);
    for (const messages of Object.values(body.error.details ?? {})) {
      assert.ok(
        Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === 'string'),
      );
    }
  });

  test('a missing field beside an invalid one: VALIDATION_ERROR listing both', async () => {
    const body = assertFailure(
      await post(`/api/test/widgets/${ID}`, { count: 'x' }),
      400,
      'VALIDATION_ERROR',
    );
    assert.deepEqual(Object.keys(body.error.details ?? {}).sort(), ['count', 'name']);
  });

  test('unknown body fields are refused (mass assignment)', async () => {
    const body = assertFailure(
      await post(`/api/test/widgets/${ID}`, { name: 'a', role: 'admin', isAdmin: true }),
      400,
      'VALIDATION_ERROR',
    );
    assert.deepEqual(body.error.details, { role: ['Unknown field'], isAdmin: ['Unknown field'] });
  });

  test('unknown and bad query parameters are refused', async () => {
    assertFailure(await post(`/api/test/widgets/${ID}?debug=1`, { name: 'a' }), 400, 'VALIDATION_ERROR');
    assertFailure(await post(`/api/test/widgets/${ID}?mode=turbo`, { name: 'a' }), 400, 'VALIDATION_ERROR');
  });

  test('a query string that is not percent-encoded UTF-8: 400 INVALID_INPUT, not read as other text', async () => {
    for (const query of ['sortBy=name%E2%82', 'sortBy=%', '%FF=1', 'sortBy=name&x=%C0%AF']) {
      const body = assertFailure(
        await test_.app.inject({ method: 'GET', url: `/api/test/widgets?${query}` }),
        400,
        'INVALID_INPUT',
      );
      assert.equal(body.error.message, 'The query string is not valid percent-encoded UTF-8');
    }
    // Encoded UTF-8, an encoded percent sign and + for a space are all well formed.
    for (const query of ['sortBy=name&x=%E2%82%AC', 'sortBy=%25', 'sortBy=a+b']) {
      const response = await test_.app.inject({ method: 'GET', url: `/api/test/widgets?${query}` });
      assert.notEqual(response.json().error?.code, 'INVALID_INPUT', query);
    }
  });

  test('pagination: defaults, and every out-of-range value is 400, never clamped', async () => {
    const defaults = await test_.app.inject({ url: '/api/test/widgets' });
    assert.deepEqual(defaults.json().data, { page: 1, pageSize: 20, sortBy: 'createdAt', sortOrder: 'desc' });
    const given = await test_.app.inject({
      url: '/api/test/widgets?page=3&pageSize=100&sortBy=name&sortOrder=asc',
    });
    assert.deepEqual(given.json().data, { page: 3, pageSize: 100, sortBy: 'name', sortOrder: 'asc' });
    const bad = [
      ...MALFORMED_PAGING,
      ['sortBy=__proto__', 'sortBy'],
      ['sortBy=password_hash', 'sortBy'],
      ['sortBy=email;drop%20table%20users', 'sortBy'],
      ['sortBy=constructor', 'sortBy'],
    ];
    for (const [query, field] of bad) {
      const body = assertFailure(
        await test_.app.inject({ url: `/api/test/widgets?${query}` }),
        400,
        'VALIDATION_ERROR',
      );
      assert.deepEqual(Object.keys(body.error.details ?? {}), [field], query);
    }
  });
});

describe('failures stay generic', () => {
  test('an unexpected error: 500 INTERNAL_ERROR with no stack or internals', async () => {
    const response = await post('/api/test/crash', {});
    const body = assertFailure(response, 500, 'INTERNAL_ERROR');
    assert.equal(body.error.message, 'Internal server error');
    assert.doesNotMatch(response.body, /boom|password_hash|select|at .*\.ts|stack/i);
  });

  test('a unique violation: 409 ALREADY_EXISTS naming the field, not the constraint', async () => {
    const response = await post('/api/test/duplicate', {});
    const body = assertFailure(response, 409, 'ALREADY_EXISTS');
    assert.deepEqual(body.error.details, { email: ['Already exists'] });
    assert.doesNotMatch(response.body, /users_email_unique|dup@example\.com|23505/);
  });

  test('any other database error: 500 DATABASE_ERROR with no SQL', async () => {
    const response = await post('/api/test/bad-sql', {});
    const body = assertFailure(response, 500, 'DATABASE_ERROR');
    assert.equal(body.error.message, 'Database error');
    assert.doesNotMatch(response.body, /no_such_table|select|42P01|relation/i);
  });

  test('a handler that breaks its own contract: 500, nothing half-sent', async () => {
    assertFailure(await post('/api/test/breach', {}), 500, 'INTERNAL_ERROR');
    assertFailure(await test_.app.inject('/api/test/incomplete'), 500, 'INTERNAL_ERROR');
  });
});

describe('answers in production: written by the compiled serializer, without the Zod check', () => {
  let production: TestApp;
  before(async () => {
    production = await buildTestApp({
      modules: [routes],
      // DATABASE_URL only satisfies production's rule: the test's own database is used.
      environment: {
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://tenet.example.test',
        DATABASE_URL: 'postgres://unused@127.0.0.1/unused',
      },
    });
  });
  after(async () => {
    await production.close();
  });

  test('only declared fields are written, as JSON', async () => {
    const response = await production.app.inject({
      method: 'POST',
      url: `/api/test/widgets/${ID}`,
      headers: { 'content-type': 'application/json' },
      payload: { name: 'gear' },
    });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    const body = response.json();
    assert.deepEqual(Object.keys(body), ['success', 'data', 'meta']);
    assert.deepEqual(body.data, { id: ID, name: 'gear' });
    assert.doesNotMatch(response.body, /internal|secret/);
  });

  test('an answer missing a declared field: 500, nothing half-sent', async () => {
    assertFailure(await production.app.inject('/api/test/incomplete'), 500, 'INTERNAL_ERROR');
  });

  test("a kit list: the items' declared fields, and nullable pagination written as null or a number", async () => {
    const admin = await createSession(production, { role: 'admin' });
    await createSession(production);
    for (const [query, exact] of [
      ['pageSize=1', true],
      ['pageSize=1&count=none', false],
    ] as const) {
      const response = await production.app.inject({ url: `/api/users?${query}`, headers: admin.headers });
      assert.equal(response.statusCode, 200, response.body);
      const { items, pagination } = response.json().data;
      assert.equal(items.length, 1);
      assert.deepEqual(Object.keys(items[0]), [
        'id',
        'email',
        'displayName',
        'avatarUrl',
        'role',
        'isActive',
        'createdAt',
        'updatedAt',
      ]);
      assert.equal(items[0].avatarUrl, null);
      assert.equal(pagination.page, 1);
      assert.equal(pagination.totalItems, exact ? 2 : null);
      assert.equal(pagination.totalPages, exact ? 2 : null);
      assert.equal(pagination.hasNextPage, true);
      assert.equal(typeof pagination.nextCursor, 'string');
      assert.equal(pagination.prevCursor, null);
      assert.doesNotMatch(response.body, /password|hash/i);
    }
  });
});
