import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { OpenApiDocument } from './openapi-document.ts';
import { representationBreaches } from './representation-rules.ts';
import { checkRules } from './rules.ts';

test('docs/check.md documents every rule id', () => {
  const docs = readFileSync(new URL('../../docs/check.md', import.meta.url), 'utf8');
  const missing = Object.keys(checkRules).filter((id) => !docs.includes(`\`${id}\``));
  assert.deepEqual(missing, []);
});

test('representation: a clean tenet body has no breaches', () => {
  const body = {
    success: true,
    data: {
      id: '550e8400-e29b-41d4-a716-446655440000',
      userId: '01J0000000000000000000000A',
      displayName: 'A',
      createdAt: '2024-01-15T10:30:00.000Z',
      updatedAt: '2024-01-15T10:30:00+01:00',
    },
    meta: { requestId: '42', timestamp: '2024-01-15T10:30:00.000Z' },
  };
  assert.deepEqual(representationBreaches(body), []);
});

test('representation: each breach is named with its JSON path', () => {
  const breaches = representationBreaches({
    success: true,
    data: {
      id: 7,
      ownerId: '12',
      display_name: 'x',
      passwordHash: 'h',
      hash: '$2b$10$abcdefghijklmnopqrstuv',
      refreshToken: 'opaque',
      jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      createdAt: 1700000000000,
      updatedAt: '01/15/2024 10:30',
      lastSeen: '2024-01-15 10:30:00',
    },
    error: { details: { password_confirm: ['Too short'] } },
  }).map((breach) => `${breach.rule} ${breach.seen}`);
  assert.deepEqual(breaches.sort(), [
    'auth.token-in-body $.data.jwt holds a JWT',
    'auth.token-in-body $.data.refreshToken: a token field',
    'representation.secret-field $.data.hash holds a password hash',
    'representation.secret-field $.data.hash: a password, hash or secret field',
    'representation.secret-field $.data.passwordHash: a password, hash or secret field',
    'representation.sequential-id $.data.id is the integer 7',
    'representation.sequential-id $.data.ownerId is the integer 12',
    'representation.snake-case $.data.display_name: snake_case key',
    'representation.timestamp $.data.createdAt is the number 1700000000000, not an ISO 8601 string',
    'representation.timestamp $.data.lastSeen is "2024-01-15 10:30:00", not ISO 8601',
    'representation.timestamp $.data.updatedAt is "01/15/2024 10:30", not ISO 8601',
  ]);
});

test('OpenAPI: operations found by template, answers validated per status, undocumented statuses named', () => {
  const document = new OpenApiDocument({
    openapi: '3.1.0',
    paths: {
      '/api/things/{id}': {
        get: {
          responses: {
            '200': {
              description: 'OK',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['data'],
                    properties: { data: { $ref: '#/components/schemas/Thing' } },
                  },
                },
              },
            },
            '404': { $ref: '#/components/responses/NotFound' },
          },
        },
      },
      '/api/things/mine': { get: { responses: { '204': { description: 'none' } } } },
    },
    components: {
      schemas: { Thing: { type: ['object'], required: ['id'], properties: { id: { type: 'string' } } } },
      responses: {
        NotFound: {
          description: 'Not found',
          content: { 'application/json': { schema: { type: 'object', required: ['success'] } } },
        },
      },
    },
  });
  assert.equal(document.find('GET', '/api/things/mine')?.path, '/api/things/mine', 'a literal path wins');
  assert.deepEqual(document.validate('GET', '/api/things/1', 200, { data: { id: '1' } }, true), {
    kind: 'valid',
  });
  assert.deepEqual(document.validate('GET', '/api/things/1', 200, { data: { id: 1 } }, true), {
    kind: 'invalid',
    errors: ['/data/id must be string'],
  });
  assert.deepEqual(document.validate('GET', '/api/things/1', 404, {}, true), {
    kind: 'invalid',
    errors: ["/ must have required property 'success'"],
  });
  assert.deepEqual(document.validate('GET', '/api/things/1', 500, {}, true), {
    kind: 'undocumented',
    status: 500,
  });
  assert.deepEqual(document.validate('GET', '/api/things/mine', 204, undefined, false), { kind: 'valid' });
  assert.deepEqual(document.validate('DELETE', '/api/things/1', 204, undefined, false), {
    kind: 'no-operation',
  });
});
