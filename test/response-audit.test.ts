import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { moduleOf } from '../src/kit/index.ts';
import { defineRoute } from '../src/protocol/contract.ts';
import { implement } from '../src/protocol/handler.ts';
import { representationViolations } from '../src/testing/response-audit.ts';
import { buildTestApp } from './helpers.ts';

const meta = { requestId: 'r', timestamp: '2026-01-01T00:00:00.000Z' };

test('representationViolations: snake_case, secrets and loose timestamps are each reported', () => {
  assert.deepEqual(
    representationViolations({
      success: true,
      data: { id: 'a', createdAt: '2026-01-01T00:00:00.000Z' },
      meta,
    }),
    [],
  );
  const found = representationViolations({
    success: true,
    data: {
      items: [{ user_id: 'x', passwordHash: 'y', createdAt: '2026-01-01T00:00:00Z' }],
      clientSecret: 's',
      updatedAt: 1_700_000_000_000,
      note: '2026-01-01 10:00:00+00',
    },
    meta,
  });
  assert.deepEqual(found, [
    '$.data.items[0].user_id: snake_case key',
    '$.data.items[0].passwordHash: key names a password, hash or secret',
    '$.data.items[0].createdAt: timestamp "2026-01-01T00:00:00Z" is not ISO 8601 UTC with ms',
    '$.data.clientSecret: key names a password, hash or secret',
    '$.data.updatedAt: timestamp is a number, not an ISO 8601 string',
    '$.data.note: timestamp "2026-01-01 10:00:00+00" is not ISO 8601 UTC with ms',
  ]);
  // error.details echoes the client's field names (`password` on sign-up); documents are not envelopes.
  assert.deepEqual(
    representationViolations({
      success: false,
      error: {
        code: 'VALIDATION_ERROR',
        message: 'm',
        details: { password: ['Too short'], is_admin: ['Unknown'] },
      },
      meta,
    }),
    [],
  );
  assert.deepEqual(representationViolations({ openapi: '3.1.0', components: { password_hash: {} } }), []);
});

test('buildTestApp audits every response, and close() fails when one broke the rules', async () => {
  const leaky = defineRoute({
    method: 'GET',
    path: '/api/test/leaky',
    summary: 'answers with a snake_case key',
    tags: ['test'],
    access: 'public',
    responses: { 200: z.object({ display_name: z.string() }) },
    errors: [],
  });
  const testApp = await buildTestApp({
    modules: [
      moduleOf({ leaky: implement(leaky, async () => ({ status: 200, data: { display_name: 'x' } })) }),
    ],
  });
  const response = await testApp.app.inject({ url: '/api/test/leaky' });
  assert.equal(response.statusCode, 200);
  await assert.rejects(testApp.close(), /GET \/api\/test\/leaky 200 \$\.data\.display_name: snake_case key/);
});
