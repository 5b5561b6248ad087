import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { z } from 'zod';
import { referenceDocument } from '../src/app/app.ts';
import {
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
  resolveReference,
} from '../src/protocol/openapi.ts';
import { avatarUrlSchema, displayNameSchema, emailInputSchema } from '../src/protocol/routes/users.ts';
import { call, dataOf, errorOf } from './api-requests.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession } from './sessions.ts';

const document: OpenApiDocument = referenceDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

function operation(path: string, method: 'get' | 'post' | 'put' | 'patch' | 'delete'): OpenApiOperation {
  const found = document.paths[path]?.[method];
  assert.ok(found, `${method} ${path}`);
  return found;
}

function bodyProperty(path: string, name: string): JsonSchema {
  const schema = operation(path, 'post').requestBody?.content['application/json'].schema;
  const property = (schema?.properties as Record<string, JsonSchema> | undefined)?.[name];
  assert.ok(property, `${path} body.${name}`);
  return property;
}

/** Asserts that the Zod rule and the published schema accept and refuse the same values. */
function assertAgree(label: string, zod: z.ZodType, published: JsonSchema, values: readonly unknown[]): void {
  const validate = ajv.compile(published);
  for (const value of values) {
    const server = zod.safeParse(value).success;
    const documented = validate(value);
    assert.equal(
      documented,
      server,
      `${label} ${JSON.stringify(value)}: server ${server}, document ${documented}`,
    );
  }
}

const ADDRESSES = [
  'a@x.test',
  'A.B+tag@Example.COM',
  "o'brien@mail.example.org",
  'first_last@sub-domain.example.co',
  'a@x-.test',
  'a@-x.test',
  'a..b@x.test',
  '.a@x.test',
  'a.@x.test',
  'a@x',
  'a@x.t',
  'a@.x.test',
  'a@x..test',
  'a b@x.test',
  'a@x_y.test',
  '@x.test',
  'a@',
  'ü@x.test',
  'a@bücher.test',
  'a@xn--bcher-kva.test',
  `${'a'.repeat(64)}@x.test`,
  `${'a'.repeat(65)}@x.test`,
  `a@${'b'.repeat(63)}.test`,
  `a@${'b'.repeat(64)}.test`,
  `a@${`${'b'.repeat(60)}.`.repeat(4)}test`,
  `a@${`${'b'.repeat(50)}.`.repeat(5)}test`,
  '',
];

describe('one e-mail rule on both sides', () => {
  test('login and sign-up publish the e-mail format and the pattern the server checks', () => {
    for (const path of ['/api/auth/login', '/api/users']) {
      const email = bodyProperty(path, 'email');
      assert.equal(email.format, 'email', path);
      assert.equal(typeof email.pattern, 'string', path);
      assert.equal(email.maxLength, 255, path);
      assert.match(String(email.description), /trimmed/i, path);
    }
  });

  test('the server and the published schema agree on every address of the table', () => {
    assert.ok(ADDRESSES.some((address) => address.length > 255));
    for (const path of ['/api/auth/login', '/api/users']) {
      assertAgree(path, emailInputSchema, bodyProperty(path, 'email'), ADDRESSES);
    }
    // The cases the issue names are refused on both sides.
    for (const address of ['a@x-.test', 'a@-x.test', 'a..b@x.test', 'a@x', 'ü@x.test']) {
      assert.equal(emailInputSchema.safeParse(address).success, false, address);
    }
  });
});

describe('request schemas state what the server enforces', () => {
  test('avatarUrl publishes http(s) only, and agrees with the server', () => {
    const published = (bodyProperty('/api/users', 'avatarUrl').anyOf as JsonSchema[])[0] as JsonSchema;
    assert.equal(typeof published.pattern, 'string');
    assertAgree('avatarUrl', avatarUrlSchema, published, [
      'https://x.test/a.png',
      'http://x.test/a.png',
      'HTTPS://x.test/a.png',
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'ftp://x.test/a.png',
      `https://x.test/${'a'.repeat(2040)}`,
    ]);
  });

  test('trimmed fields say they are trimmed before the length check', () => {
    const displayName = bodyProperty('/api/users', 'displayName');
    assert.match(String(displayName.description), /trimmed before the length/);
    assert.equal(displayNameSchema.safeParse(`  ${'a'.repeat(100)}  `).success, true);
    const postBody = operation('/api/users/{id}/posts', 'post').requestBody?.content['application/json']
      .schema;
    const title = (postBody?.properties as Record<string, JsonSchema> | undefined)?.title;
    assert.match(String(title?.description), /trimmed before the length/);
    const search = operation('/api/users', 'get')
      .parameters.map((parameter) => resolveReference(document, parameter))
      .find((parameter) => parameter.name === 'search');
    assert.match(String(search?.schema.description), /trimmed/);
  });

  test('id patterns accept either case, as the server does', () => {
    const upper = '0190A2B4-C5D6-7E8F-9A0B-1C2D3E4F5A6B';
    const ulid = '01arz3ndektsv4rrffq69g5fav';
    for (const [path, id] of [
      ['/api/users/{id}', upper],
      ['/api/users/{id}', upper.toLowerCase()],
      ['/api/posts/{id}', ulid],
      ['/api/posts/{id}', ulid.toUpperCase()],
    ] as const) {
      const parameter = operation(path, 'get').parameters.find(
        (candidate): candidate is OpenApiParameter => 'name' in candidate && candidate.name === 'id',
      );
      assert.ok(parameter);
      assert.equal(ajv.compile(parameter.schema)(id), true, `${path} ${id}`);
    }
  });

  test('every operation publishes its whole query with additionalProperties: false', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, found] of Object.entries(item)) {
        const query = found['x-tenet-query'];
        assert.equal(query.type, 'object', `${method} ${path}`);
        assert.equal(query.additionalProperties, false, `${method} ${path}`);
        const listed = found.parameters
          .map((parameter) => resolveReference(document, parameter))
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => parameter.name);
        assert.deepEqual(Object.keys(query.properties as object).sort(), listed.sort(), `${method} ${path}`);
      }
    }
  });
});

describe('the headers the server relies on are declared', () => {
  function headersOf(path: string, method: 'get' | 'post' | 'put' | 'patch' | 'delete', status: string) {
    const response = resolveReference(document, operation(path, method).responses[status] ?? { $ref: '#/x' });
    return Object.keys(response.headers ?? {});
  }
  function requestHeaders(path: string, method: 'get' | 'post' | 'put' | 'patch' | 'delete'): string[] {
    return operation(path, method)
      .parameters.map((parameter) => resolveReference(document, parameter))
      .filter((parameter) => parameter.in === 'header')
      .map((parameter) => parameter.name);
  }

  test('ETag on single items of the kit, Location on 201, If-Match on its writes', () => {
    for (const [path, method, status] of [
      ['/api/users/{id}', 'get', '200'],
      ['/api/users/{id}', 'patch', '200'],
      ['/api/users/{id}', 'put', '200'],
      ['/api/users/{id}/restore', 'post', '200'],
      ['/api/posts/{id}', 'get', '200'],
      ['/api/users/{id}/posts', 'post', '201'],
    ] as const) {
      assert.ok(headersOf(path, method, status).includes('ETag'), `${method} ${path}`);
    }
    assert.ok(headersOf('/api/users/{id}/posts', 'post', '201').includes('Location'));
    assert.ok(headersOf('/api/users', 'post', '201').includes('Location'));
    for (const [path, method] of [
      ['/api/users/{id}', 'patch'],
      ['/api/users/{id}', 'put'],
      ['/api/users/{id}', 'delete'],
      ['/api/users/{id}/restore', 'post'],
      ['/api/posts/{id}', 'patch'],
      ['/api/posts/{id}', 'delete'],
    ] as const) {
      assert.ok(requestHeaders(path, method).includes('If-Match'), `${method} ${path}`);
    }
    assert.equal(requestHeaders('/api/users/{id}', 'get').includes('If-Match'), false);
    assert.equal(document.components.parameters.IfMatch?.required, false);
  });

  test('Set-Cookie on the routes that open, renew or close a session; Retry-After on 429 and 503', () => {
    for (const [path, status] of [
      ['/api/auth/login', '200'],
      ['/api/auth/refresh', '200'],
      ['/api/auth/logout', '204'],
      ['/api/auth/password', '204'],
    ] as const) {
      assert.ok(headersOf(path, 'post', status).includes('Set-Cookie'), path);
    }
    assert.ok(headersOf('/api/auth/login', 'post', '429').includes('Retry-After'));
    assert.ok(headersOf('/api/users', 'get', '503').includes('Retry-After'));
  });
});

describe('the server does what the document says', () => {
  let test_: TestApp;
  before(async () => {
    test_ = await buildTestApp();
  });
  after(async () => {
    await test_.close();
  });

  test('sign-up refuses a@x-.test, as the document does', async () => {
    const details = errorOf(
      await call(test_, {
        method: 'POST',
        url: '/api/users',
        payload: { email: 'a@x-.test', password: 'long-enough-1', displayName: 'A' },
      }),
      400,
      'VALIDATION_ERROR',
    );
    assert.deepEqual(details.email, ['Must be a valid email address']);
  });

  test('an unknown query parameter is refused the same way on every route', async () => {
    const session = await createSession(test_);
    const id = session.user.id;
    const urls = [
      '/api/users?bogus=1',
      `/api/users/${id}?bogus=1`,
      `/api/users/${id}/posts?bogus=1`,
      '/api/auth/me?bogus=1',
      '/api/auth/sessions?bogus=1',
      '/api/health?bogus=1',
    ];
    for (const url of urls) {
      const details = errorOf(await call(test_, { url, as: session }), 400, 'VALIDATION_ERROR');
      assert.ok(
        Object.keys(details).some((key) => key.includes('bogus')),
        `${url}: ${JSON.stringify(details)}`,
      );
    }
  });

  test('an id in capitals names the same user, and its owner may write it', async () => {
    const session = await createSession(test_);
    const upper = session.user.id.toUpperCase();
    const got = dataOf<{ id: string }>(await call(test_, { url: `/api/users/${upper}`, as: session }));
    assert.equal(got.id, session.user.id);
    const patched = dataOf<{ displayName: string }>(
      await call(test_, {
        method: 'PATCH',
        url: `/api/users/${upper}`,
        as: session,
        payload: { displayName: 'Renamed' },
      }),
    );
    assert.equal(patched.displayName, 'Renamed');
  });
});
