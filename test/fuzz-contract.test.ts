import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { z } from 'zod';
import { commonErrorCodes, pathMatcher, type RouteSpec } from '../src/protocol/contract.ts';
import { errorCatalogue, isErrorCode } from '../src/protocol/errors.ts';
import { createUser, login, referenceContract } from '../src/protocol/routes/index.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession } from './sessions.ts';

// Seeded and bounded: FUZZ_SEED replays a failure, FUZZ_RUNS sets the cases per route.
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);
const RUNS_PER_ROUTE = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 100;

/** The zod internals this walker reads (Zod 4's `_zod.def`). */
interface Definition {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
  format?: string;
  checks?: {
    _zod: { def: { check: string; format?: string; minimum?: number; maximum?: number; value?: number } };
  }[];
}
const definition = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Definition } })._zod.def;

/** Values a schema may accept (valid, mostly): enough to get past validation and reach handlers. */
function arbitraryFor(schema: z.ZodType, asText: boolean): fc.Arbitrary<unknown> {
  const def = definition(schema);
  const text = (value: fc.Arbitrary<unknown>) => (asText ? value.map(String) : value);
  switch (def.type) {
    case 'object': {
      const shape = def.shape ?? {};
      const optional = new Set(
        Object.entries(shape)
          .filter(([, value]) => ['optional', 'default'].includes(definition(value).type))
          .map(([key]) => key),
      );
      const entries = Object.fromEntries(
        Object.entries(shape).map(([key, value]) => [key, arbitraryFor(value, asText)]),
      );
      return fc.record(entries, { requiredKeys: Object.keys(shape).filter((key) => !optional.has(key)) });
    }
    case 'optional':
    case 'default':
      return arbitraryFor(def.innerType as z.ZodType, asText);
    case 'nullable':
      return asText
        ? arbitraryFor(def.innerType as z.ZodType, asText)
        : fc.option(arbitraryFor(def.innerType as z.ZodType, asText), { nil: null });
    case 'pipe':
      return definition(def.in as z.ZodType).type === 'transform'
        ? arbitraryFor(def.out as z.ZodType, asText)
        : arbitraryFor(def.in as z.ZodType, asText);
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'boolean':
      return text(fc.boolean());
    case 'number': {
      const bounds = (def.checks ?? []).map((check) => check._zod.def);
      const min = bounds.find((check) => check.check === 'greater_than')?.value ?? -1000;
      const max = bounds.find((check) => check.check === 'less_than')?.value ?? 1000;
      return text(fc.integer({ min, max: Math.min(max, min + 1000) }));
    }
    case 'string': {
      const checks = (def.checks ?? []).map((check) => check._zod.def);
      const format = def.format ?? checks.find((check) => check.check === 'string_format')?.format;
      if (format === 'email') return fc.emailAddress();
      if (format === 'url') return fc.webUrl({ validSchemes: ['https'] });
      const minLength = checks.find((check) => check.check === 'min_length')?.minimum ?? 0;
      const maxLength = Math.min(checks.find((check) => check.check === 'max_length')?.maximum ?? 40, 300);
      return fc.string({ minLength, maxLength, unit: 'grapheme' });
    }
    default:
      return fc.jsonValue();
  }
}

/** Values that break the rules: wrong types, boundaries, NUL, lone surrogates, prototype keys, huge numbers. */
const hostile = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'a\udfffb',
    '__proto__',
    'constructor',
    '-1',
    '0',
    '1e309',
    '9'.repeat(40),
    '1.5',
  ),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.integer(),
  fc.double(),
);

const hostileText = fc.oneof(
  fc.constantFrom(
    '',
    '-1',
    '0',
    '1.5',
    '1e30',
    '9'.repeat(30),
    '__proto__',
    'true',
    'null',
    '%00',
    'a\u0000b',
  ),
  fc.string({ unit: 'binary', maxLength: 120 }),
);

/** One generated request for a route. */
interface FuzzRequest {
  identity: 'anonymous' | 'user' | 'admin' | 'user-without-csrf' | 'forged-cookies';
  params: Record<string, string>;
  query: [string, string][];
  body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };
  contentType: string | undefined;
  origin: string | undefined;
  extraHeaders: Record<string, string>;
}

function queryArbitrary(route: RouteSpec): fc.Arbitrary<[string, string][]> {
  const shape = route.query ? (definition(route.query).shape ?? {}) : {};
  const keys = Object.keys(shape);
  const valid: fc.Arbitrary<[string, string][]> = route.query
    ? arbitraryFor(route.query, true).map((value) =>
        Object.entries(value as Record<string, unknown>).map(([key, item]): [string, string] => [
          key,
          String(item),
        ]),
      )
    : fc.constant<[string, string][]>([]);
  const broken = fc.array(
    fc.tuple(keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), fc.string()) : fc.string(), hostileText),
    { maxLength: 4 },
  );
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: broken },
    fc.constant<[string, string][]>([]),
  );
}

function bodyArbitrary(route: RouteSpec, known?: fc.Arbitrary<unknown>): fc.Arbitrary<FuzzRequest['body']> {
  const json = (value: fc.Arbitrary<unknown>) =>
    value.map((item) => ({ kind: 'json' as const, value: item }));
  const garbage = fc.oneof(
    json(hostile),
    fc
      .constantFrom(
        '{',
        '{"a":',
        'null',
        '[]',
        '"text"',
        '{"__proto__":{"x":1}}',
        '{"constructor":{"prototype":{}}}',
      )
      .map((text) => ({ kind: 'raw' as const, text })),
    fc.constant({ kind: 'none' as const }),
  );
  if (!route.body) return fc.oneof({ weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) }, garbage);
  const generated = arbitraryFor(route.body, false);
  const valid = known ? fc.oneof(generated, known) : generated;
  const mutated = fc
    .tuple(valid, fc.string({ maxLength: 12 }), hostile)
    .map(([value, key, item]) => ({ ...(value as Record<string, unknown>), [key]: item }));
  return fc.oneof({ weight: 4, arbitrary: json(valid) }, { weight: 2, arbitrary: json(mutated) }, garbage);
}

interface KnownIds {
  users: string[];
  posts: string[];
  /** Real credentials, so that some logins succeed. */
  credentials: { email: string; password: string }[];
}

/** Bodies that surely pass validation, where generated ones rarely do (a real login, a plain sign-up). */
function knownBodies(route: RouteSpec, ids: KnownIds): fc.Arbitrary<unknown> | undefined {
  if (route === login) return fc.constantFrom(...ids.credentials);
  if (route === createUser) {
    return fc.record({
      email: fc.stringMatching(/^[a-z]{4,12}$/).map((name) => `${name}@example.com`),
      password: fc.constant('correct horse battery'),
      displayName: fc.constantFrom('Fuzz', 'Zoë', '山田'),
    });
  }
  return undefined;
}

function requestArbitrary(route: RouteSpec, ids: KnownIds): fc.Arbitrary<FuzzRequest> {
  const names = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] as string);
  const known = route.path.startsWith('/api/posts') ? ids.posts : ids.users;
  const param = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    fc.uuid(),
    fc.string({ maxLength: 30 }),
    fc.constantFrom(
      '..',
      '%',
      'a'.repeat(300),
      '00000000-0000-0000-0000-000000000000',
      '7ZZZZZZZZZZZZZZZZZZZZZZZZZ',
    ),
  );
  const unusual = fc.constantFrom(
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=utf-16',
    'application/json; charset=utf-8',
  );
  const jsonType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: unusual },
  );
  const noneType = fc.oneof(
    { weight: 8, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: unusual },
  );
  return fc
    .record({
      identity: fc.oneof(
        { weight: 4, arbitrary: fc.constant('user' as const) },
        { weight: 2, arbitrary: fc.constant('admin' as const) },
        fc.constantFrom('anonymous' as const, 'user-without-csrf' as const, 'forged-cookies' as const),
      ),
      params: fc.record(Object.fromEntries(names.map((name) => [name, param]))),
      query: queryArbitrary(route),
      body: bodyArbitrary(route, knownBodies(route, ids)),
      contentType: fc.constant(undefined),
      // app.inject's Host is localhost:80: the first two are the server's own origin.
      origin: fc.option(
        fc.constantFrom('http://localhost:80', 'http://localhost', 'https://evil.example', 'null'),
        {
          nil: undefined,
          freq: 2,
        },
      ),
      extraHeaders: fc.record(
        {
          'if-match': fc.oneof(fc.constant('*'), fc.string({ maxLength: 40 }), fc.constant('"abc"')),
          'x-request-id': fc.string({ maxLength: 200 }),
          accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/problem+json'),
          'x-forwarded-for': fc.constantFrom('10.0.0.1', 'garbage', '1.1.1.1, 2.2.2.2'),
        },
        { requiredKeys: [] },
      ),
    })
    .chain((request) =>
      (request.body.kind === 'none' ? noneType : jsonType).map((contentType) => ({
        ...request,
        contentType,
      })),
    );
}

/** Headers whose values Node would refuse to send are not the server's concern: keep them sendable. */
function sendable(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => /^[\t\x20-\x7e]*$/.test(value)));
}

function urlFor(route: RouteSpec, request: FuzzRequest): string {
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) =>
    encodeURIComponent(request.params[name] ?? ''),
  );
  const query = new URLSearchParams(request.query).toString();
  return query === '' ? path : `${path}?${query}`;
}

/** What every answer must be; returns a description of the breach, or null. */
function breach(
  route: RouteSpec,
  status: number,
  body: string,
  headers: Record<string, unknown>,
): string | null {
  if (status >= 500) return `status ${status}: ${body}`;
  if (status === 204) {
    if (body !== '') return '204 with a body';
    return Object.hasOwn(route.responses, 204) ? null : '204 on a route that does not declare it';
  }
  let envelope: {
    success?: unknown;
    data?: unknown;
    error?: { code?: unknown; message?: unknown };
    meta?: { requestId?: unknown; timestamp?: unknown };
  };
  try {
    envelope = JSON.parse(body);
  } catch {
    return `not JSON (${headers['content-type']}): ${body.slice(0, 200)}`;
  }
  if (typeof envelope.meta?.requestId !== 'string') return 'meta.requestId missing';
  if (
    typeof envelope.meta.timestamp !== 'string' ||
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(envelope.meta.timestamp)
  ) {
    return 'meta.timestamp is not ISO 8601 UTC with milliseconds';
  }
  if (envelope.success === false) {
    const code = envelope.error?.code;
    if (!isErrorCode(code)) return `error code ${String(code)} is not in the catalogue`;
    if (errorCatalogue[code].status !== status) {
      return `error ${code} answered with ${status}, the catalogue says ${errorCatalogue[code].status}`;
    }
    if (typeof envelope.error?.message !== 'string') return 'error.message missing';
    return null;
  }
  if (envelope.success !== true) return 'success is neither true nor false';
  const schema = route.responses[status as keyof RouteSpec['responses']];
  if (!schema) return `success with status ${status}, which the route does not declare`;
  const parsed = schema.safeParse(envelope.data);
  return parsed.success ? null : `data breaks the declared ${status} schema: ${parsed.error.message}`;
}

let t: TestApp;

before(async () => {
  t = await buildTestApp();
});
after(async () => {
  await t?.close();
});

/** Codes any route may answer with besides its own: the request is malformed before it is routed. */
const ANY_ROUTE: ReadonlySet<string> = new Set([
  ...commonErrorCodes,
  'UNAUTHORIZED',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  // An unknown query parameter is refused on every route (the document declares it on each).
  'VALIDATION_ERROR',
]);

describe(`fuzzing every route of the contract (FUZZ_SEED=${SEED}, ${RUNS_PER_ROUTE} cases per route)`, () => {
  for (const [name, route] of Object.entries(referenceContract) as [string, RouteSpec][]) {
    test(`${name}: ${route.method} ${route.path}`, async (context) => {
      // Fresh accounts per route: a generated DELETE or logout may end the sessions it uses.
      const user = await createSession(t);
      const admin = await createSession(t, { role: 'admin' });
      const created = await t.app.inject({
        method: 'POST',
        url: `/api/users/${user.user.id}/posts`,
        headers: { ...user.headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ title: 'Fuzz', body: 'seed post' }),
      });
      assert.equal(created.statusCode, 201, created.body);
      const ids: KnownIds = {
        users: [user.user.id, admin.user.id],
        posts: [created.json().data.id],
        credentials: [{ email: user.user.email, password: user.password }],
      };
      const sessions: Record<FuzzRequest['identity'], Record<string, string>> = {
        anonymous: {},
        user: user.headers,
        admin: admin.headers,
        'user-without-csrf': { cookie: user.headers.cookie ?? '' },
        'forged-cookies': {
          cookie: 'access_token=eyJhbGciOiJub25lIn0.e30.; refresh_token=x; csrf_token=y',
          'x-csrf-token': 'y',
        },
      };
      const ownPath = pathMatcher(route.path);
      const undeclared = new Map<string, number>();
      const statuses = new Map<number, number>();
      const property = fc.asyncProperty(requestArbitrary(route, ids), async (request) => {
        const headers: Record<string, string> = sendable({
          ...request.extraHeaders,
          ...sessions[request.identity],
        });
        if (request.contentType) headers['content-type'] = request.contentType;
        if (request.origin) headers.origin = request.origin;
        const payload =
          request.body.kind === 'json'
            ? JSON.stringify(request.body.value)
            : request.body.kind === 'raw'
              ? request.body.text
              : undefined;
        const response = await t.app.inject({
          method: route.method,
          url: urlFor(route, request),
          headers,
          payload,
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const problem = breach(route, response.statusCode, response.body, response.headers);
        if (problem !== null) {
          throw new Error(`${route.method} ${urlFor(route, request)} as ${request.identity}: ${problem}`);
        }
        const code = response.statusCode < 400 ? undefined : (response.json().error?.code as string);
        // A parameter of '.' or '..' is a dot segment: the URL is resolved before it is routed,
        // so the request addresses another path, and answers as that path does.
        if (!ownPath.test(new URL(urlFor(route, request), 'http://localhost').pathname)) {
          if (code === 'METHOD_NOT_ALLOWED' && typeof response.headers.allow === 'string') return;
          if (code === 'NOT_FOUND') return;
        }
        if (code && !route.errors.includes(code as never) && !ANY_ROUTE.has(code)) {
          undeclared.set(code, (undeclared.get(code) ?? 0) + 1);
        }
      });
      try {
        await fc.assert(property, { seed: SEED, numRuns: RUNS_PER_ROUTE, includeErrorInReport: true });
      } catch (error) {
        throw new Error(
          `Reproduce with FUZZ_SEED=${SEED}\n${error instanceof Error ? error.message : error}`,
        );
      }
      context.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
      assert.deepEqual(Object.fromEntries(undeclared), {}, 'error codes the route does not declare');
    });
  }
});
