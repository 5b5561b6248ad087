import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { commonErrorCodes, defineRoute, type RouteSpec } from './contract.ts';
import { type ErrorCode, errorCatalogue } from './errors.ts';
import { uuidSchema } from './ids.ts';
import {
  createOpenApiDocument,
  type JsonSchema,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiResponse,
  resolveReference,
  routeErrorCodes,
  toOpenApiPath,
} from './openapi.ts';
import { requestIdHeaderSchema, toSchema } from './openapi-schema.ts';
import { PAGE_SIZE_MAX, pageSchema, paginationQuerySchema } from './pagination.ts';
import { resolveRequestId } from './request-id.ts';

const thingSchema = z.object({ id: uuidSchema, name: z.string(), count: z.number().int() });
const thingParams = z.object({ id: uuidSchema });

const routes = {
  pingServer: defineRoute({
    method: 'GET',
    path: '/api/ping',
    summary: 'ping',
    tags: ['meta'],
    access: 'public',
    responses: { 200: z.object({ ok: z.boolean() }) },
    errors: ['SERVICE_UNAVAILABLE'],
  }),
  listThings: defineRoute({
    method: 'GET',
    path: '/api/things',
    summary: 'list',
    tags: ['things'],
    access: 'user',
    query: paginationQuerySchema(['createdAt', 'name'], 'createdAt').strict(),
    responses: { 200: pageSchema(thingSchema) },
    errors: [],
  }),
  createThing: defineRoute({
    method: 'POST',
    path: '/api/things',
    summary: 'create',
    description: 'Admins only.',
    tags: ['things'],
    access: 'admin',
    body: z.strictObject({ name: z.string().trim().min(1).max(50), count: z.number().int().default(0) }),
    responses: { 201: thingSchema },
    errors: ['ALREADY_EXISTS'],
  }),
  getThing: defineRoute({
    method: 'GET',
    path: '/api/things/:id',
    summary: 'get',
    tags: ['things'],
    access: 'user',
    params: thingParams,
    responses: { 200: thingSchema },
    errors: [],
  }),
  deleteThing: defineRoute({
    method: 'DELETE',
    path: '/api/things/:id',
    summary: 'delete',
    tags: ['things'],
    access: 'user',
    params: thingParams,
    responses: { 204: null },
    errors: [],
  }),
  signIn: defineRoute({
    method: 'POST',
    path: '/api/sign-in',
    summary: 'sign in',
    tags: ['meta'],
    access: 'public',
    csrf: 'origin',
    body: z.strictObject({ email: z.string().max(255) }),
    responses: { 200: thingSchema },
    errors: ['INVALID_CREDENTIALS'],
  }),
} satisfies Record<string, RouteSpec>;

const info = { title: 'test', version: '1.2.3' };
const document = createOpenApiDocument({ info, routes, tagDescriptions: { things: 'Things' } });

function op(path: string, method: 'get' | 'post' | 'delete'): OpenApiOperation {
  const operation = document.paths[path]?.[method];
  assert.ok(operation, `${method} ${path}`);
  return operation;
}

function params(operation: OpenApiOperation): OpenApiParameter[] {
  return operation.parameters.map((parameter) => resolveReference(document, parameter));
}

function response(operation: OpenApiOperation, status: number): OpenApiResponse {
  const value = operation.responses[String(status)];
  assert.ok(value, `response ${status}`);
  return resolveReference(document, value);
}

function schemaOf(value: OpenApiResponse): JsonSchema {
  const schema = value.content?.['application/json'].schema;
  assert.ok(schema);
  return schema;
}

function property(schema: JsonSchema, ...path: string[]): JsonSchema {
  let current = schema;
  for (const key of path) current = (current.properties as Record<string, JsonSchema>)[key] as JsonSchema;
  return current;
}

describe('createOpenApiDocument', () => {
  test('is OpenAPI 3.1 with the given info, a relative server and the tags in order', () => {
    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(document.info, info);
    assert.deepEqual(
      document.servers.map((server) => server.url),
      ['/'],
    );
    assert.deepEqual(document.tags, [{ name: 'meta' }, { name: 'things', description: 'Things' }]);
  });

  test('one operation per route, named by its key, with :params as {params}', () => {
    assert.deepEqual(Object.keys(document.paths).sort(), [
      '/api/ping',
      '/api/sign-in',
      '/api/things',
      '/api/things/{id}',
    ]);
    assert.equal(op('/api/things/{id}', 'get').operationId, 'getThing');
    assert.equal(op('/api/things/{id}', 'delete').operationId, 'deleteThing');
    assert.equal(op('/api/things', 'post').description, 'Admins only.');
    assert.equal(toOpenApiPath('/api/users/:id/posts/:postId'), '/api/users/{id}/posts/{postId}');
  });

  test('path and query parameters come from the Zod schemas, limits included', () => {
    const [id] = params(op('/api/things/{id}', 'get'));
    assert.deepEqual(id, {
      name: 'id',
      in: 'path',
      required: true,
      schema: toSchema(uuidSchema, 'input'),
    });
    const query = Object.fromEntries(
      params(op('/api/things', 'get'))
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => [parameter.name, parameter]),
    );
    assert.deepEqual(Object.keys(query), ['page', 'pageSize', 'sortBy', 'sortOrder']);
    assert.ok(Object.values(query).every((parameter) => parameter.required === false));
    assert.deepEqual(query.pageSize?.schema, {
      type: 'integer',
      minimum: 1,
      maximum: PAGE_SIZE_MAX,
      format: 'int32',
    });
    assert.deepEqual(query.sortBy?.schema.enum, ['createdAt', 'name']);
  });

  test('the body is the input side of its schema: limits, defaults optional, unknown fields refused', () => {
    const body = op('/api/things', 'post').requestBody?.content['application/json'].schema;
    assert.ok(body);
    assert.deepEqual(body.required, ['name']);
    assert.equal(body.additionalProperties, false);
    assert.deepEqual(property(body, 'name'), { type: 'string', minLength: 1, maxLength: 50 });
  });

  test('success responses are wrapped in the envelope; 204 has no content', () => {
    const ok = schemaOf(response(op('/api/things/{id}', 'get'), 200));
    assert.deepEqual(property(ok, 'success'), { type: 'boolean', const: true });
    assert.deepEqual(property(ok, 'data'), toSchema(thingSchema, 'output'));
    assert.deepEqual(property(ok, 'meta'), { $ref: '#/components/schemas/Meta' });
    assert.deepEqual(ok.required, ['success', 'data', 'meta']);
    const page = property(schemaOf(response(op('/api/things', 'get'), 200)), 'data');
    assert.deepEqual(property(page, 'pagination', 'pageSize').maximum, PAGE_SIZE_MAX);
    assert.ok(schemaOf(response(op('/api/things', 'post'), 201)));
    const noContent = response(op('/api/things/{id}', 'delete'), 204);
    assert.equal(noContent.content, undefined);
  });

  test('every response carries X-Request-Id; only 429 and 503 carry Retry-After', () => {
    for (const [status, value] of Object.entries(op('/api/ping', 'get').responses)) {
      const headers = Object.keys(resolveReference(document, value).headers ?? {});
      const expected =
        status === '429' || status === '503' ? ['X-Request-Id', 'Retry-After'] : ['X-Request-Id'];
      assert.deepEqual(headers, expected, status);
    }
  });

  test('security: the cookie scheme on signed-in routes, optional on public ones', () => {
    const scheme = document.components.securitySchemes.accessTokenCookie;
    assert.deepEqual([scheme?.type, scheme?.in, scheme?.name], ['apiKey', 'cookie', 'access_token']);
    assert.deepEqual(op('/api/things/{id}', 'get').security, [{ accessTokenCookie: [] }]);
    assert.deepEqual(op('/api/ping', 'get').security, [{}, { accessTokenCookie: [] }]);
  });

  test('X-CSRF-Token on writes, except routes that check Origin only; X-Request-Id everywhere', () => {
    const headers = (operation: OpenApiOperation) =>
      params(operation)
        .filter((parameter) => parameter.in === 'header')
        .map((parameter) => parameter.name);
    assert.deepEqual(headers(op('/api/things', 'post')), ['X-CSRF-Token', 'X-Request-Id']);
    assert.deepEqual(headers(op('/api/things/{id}', 'delete')), ['X-CSRF-Token', 'X-Request-Id']);
    assert.deepEqual(headers(op('/api/things/{id}', 'get')), ['X-Request-Id']);
    assert.deepEqual(headers(op('/api/sign-in', 'post')), ['X-Request-Id']);
  });

  test('is deterministic and plain JSON', () => {
    assert.deepEqual(
      createOpenApiDocument({ info, routes, tagDescriptions: { things: 'Things' } }),
      document,
    );
    assert.deepEqual(JSON.parse(JSON.stringify(document)), document);
  });

  test('refuses a path parameter without a schema, a schema that does not match, and a route declared twice', () => {
    const base = { summary: 's', tags: [], access: 'public', responses: { 204: null }, errors: [] } as const;
    const noParams = defineRoute({ ...base, method: 'GET', path: '/api/x/:id' });
    assert.throws(() => createOpenApiDocument({ info, routes: { noParams } }), /has no params schema/);
    const wrong = defineRoute({
      ...base,
      method: 'GET',
      path: '/api/x/:id',
      params: z.object({ key: z.string() }),
    });
    assert.throws(() => createOpenApiDocument({ info, routes: { wrong } }), /do not match the path/);
    const twice = defineRoute({ ...base, method: 'GET', path: '/api/x' });
    assert.throws(() => createOpenApiDocument({ info, routes: { a: twice, b: twice } }), /declared twice/);
  });
});

describe('error responses', () => {
  function documented(operation: OpenApiOperation): Map<number, string[]> {
    const found = new Map<number, string[]>();
    for (const [status, value] of Object.entries(operation.responses)) {
      if (Number(status) < 400) continue;
      const code = property(schemaOf(resolveReference(document, value)), 'error', 'code');
      found.set(Number(status), code.enum as string[]);
    }
    return found;
  }

  test('a public route without input: its own codes, the common ones and an unknown query, nothing else', () => {
    assert.deepEqual(
      routeErrorCodes(routes.pingServer),
      [...commonErrorCodes, 'VALIDATION_ERROR' as const].sort(byCatalogue),
    );
  });

  test('codes follow from the route: body, params, access and method', () => {
    const create = routeErrorCodes(routes.createThing);
    for (const code of [
      'VALIDATION_ERROR',
      'MISSING_FIELD',
      'UNAUTHORIZED',
      'TOKEN_EXPIRED',
      'TOKEN_INVALID',
      'FORBIDDEN',
      'INSUFFICIENT_PERMISSIONS',
      'ALREADY_EXISTS',
      ...commonErrorCodes,
    ] as const) {
      assert.ok(create.includes(code), code);
    }
    assert.ok(!create.includes('NOT_FOUND'));
    const get = routeErrorCodes(routes.getThing);
    assert.ok(get.includes('NOT_FOUND') && get.includes('INVALID_INPUT') && get.includes('UNAUTHORIZED'));
    // An unknown query parameter is refused on every route; MISSING_FIELD needs a body or a query.
    assert.ok(get.includes('VALIDATION_ERROR') && !get.includes('MISSING_FIELD'));
    assert.ok(!get.includes('INSUFFICIENT_PERMISSIONS'));
    const signIn = routeErrorCodes(routes.signIn);
    assert.ok(signIn.includes('INVALID_CREDENTIALS') && signIn.includes('FORBIDDEN'));
    assert.ok(!signIn.includes('UNAUTHORIZED'));
  });

  test('each status lists exactly its codes in an enum on error.code, with an example per code', () => {
    for (const [name, route] of Object.entries(routes)) {
      const [path, method] = [toOpenApiPath(route.path), route.method.toLowerCase() as 'get'];
      const expected = new Map<number, string[]>();
      for (const code of routeErrorCodes(route)) {
        const status = errorCatalogue[code].status;
        expected.set(status, [...(expected.get(status) ?? []), code]);
      }
      assert.deepEqual(documented(op(path, method)), expected, name);
      for (const status of expected.keys()) {
        const examples = response(op(path, method), status).content?.['application/json'].examples ?? {};
        for (const [code, reference] of Object.entries(examples)) {
          const example = resolveReference<{ value: { error: { code: string; message: string } } }>(
            document,
            reference,
          );
          assert.equal(example.value.error.code, code);
          assert.equal(example.value.error.message, errorCatalogue[code as ErrorCode].message);
        }
        assert.deepEqual(Object.keys(examples), expected.get(status));
      }
    }
  });

  test('an error response is the failure envelope: success false, code, message, optional details, meta', () => {
    const schema = schemaOf(response(op('/api/things', 'post'), 400));
    assert.deepEqual(property(schema, 'success'), { type: 'boolean', const: false });
    assert.deepEqual(property(schema, 'error').required, ['code', 'message']);
    assert.deepEqual(property(schema, 'error', 'details'), { $ref: '#/components/schemas/ErrorDetails' });
  });
});

describe('schemas', () => {
  test('integers state their size from their bounds', () => {
    assert.equal(toSchema(z.number().int().min(0).max(100), 'output').format, 'int32');
    assert.equal(toSchema(z.number().int(), 'output').format, 'int64');
    assert.equal(toSchema(z.string(), 'output').$schema, undefined);
  });

  test('a schema with an id is refused rather than emitted with dangling $defs', () => {
    const named = z.object({ id: z.string() }).meta({ id: 'NamedThing' });
    assert.throws(() => toSchema(z.object({ a: named, b: named }), 'output'), /has an id or a cycle/);
  });

  test('the X-Request-Id schema accepts exactly what the server echoes', () => {
    for (const value of [
      'abc',
      'a.B_1:2-3',
      'x'.repeat(128),
      'x'.repeat(129),
      'has space',
      'semi;colon',
      '',
    ]) {
      assert.equal(requestIdHeaderSchema.safeParse(value).success, resolveRequestId(value) === value, value);
    }
  });
});

function byCatalogue(a: ErrorCode, b: ErrorCode): number {
  const order = Object.keys(errorCatalogue);
  return order.indexOf(a) - order.indexOf(b);
}
