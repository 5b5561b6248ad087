import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { createApp } from '../src/http/app.ts';
import { moduleOf } from '../src/kit/index.ts';
import { defineContract, defineRoute, routeManifest } from '../src/protocol/contract.ts';
import { type Implementations, implement } from '../src/protocol/handler.ts';
import { referenceContract } from '../src/protocol/routes/index.ts';
import { buildTestApp, type TestApp } from './helpers.ts';

const extraRoute = defineRoute({
  method: 'GET',
  path: '/api/extra/:id',
  summary: 'a route of a team module',
  tags: ['extra'],
  access: 'public',
  params: z.object({ id: z.string() }),
  responses: { 204: null },
  errors: [],
});

let app: TestApp;
before(async () => {
  app = await buildTestApp({
    modules: [moduleOf({ getExtra: implement(extraRoute, async () => ({ status: 204, data: undefined })) })],
  });
});
after(async () => {
  await app.close();
});

test('every route of the contract is served, a module route included', async () => {
  const contract = { ...referenceContract, getExtra: extraRoute };
  for (const [name, route] of Object.entries(contract)) {
    assert.ok(app.app.hasRoute({ method: route.method, url: route.path }), `${name} is not registered`);
  }
  assert.equal((await app.app.inject({ url: '/api/extra/1' })).statusCode, 204);
  assert.equal((await app.app.inject({ url: '/api/nothing-here' })).statusCode, 404);
});

test('the OpenAPI document and the client manifest come from the contract the app was given', async () => {
  const document = (await app.app.inject({ url: '/api/openapi.json' })).json();
  const operationIds = Object.values(
    document.paths as Record<string, Record<string, { operationId: string }>>,
  )
    .flatMap((item) => Object.values(item).map((operation) => operation.operationId))
    .sort();
  assert.deepEqual(operationIds, [...Object.keys(referenceContract), 'getExtra'].sort());
  assert.deepEqual(routeManifest({ getExtra: extraRoute }), {
    getExtra: { method: 'GET', path: '/api/extra/:id' },
  });
});

test('a route without a handler, or a handler without a route, stops the app at start, named', async () => {
  const contract = defineContract({ getExtra: extraRoute });
  const base = { config: app.config, database: app.database, contract };
  await assert.rejects(
    createApp({ ...base, implementations: {} as Implementations<typeof contract> }),
    /route "getExtra" has no handler/,
  );
  const handler: Implementations<typeof contract>['getExtra'] = async () => ({
    status: 204,
    data: undefined,
  });
  await assert.rejects(
    createApp({
      ...base,
      implementations: { getExtra: handler, getStray: handler } as Implementations<typeof contract>,
    }),
    /handler "getStray" has no route in the contract/,
  );
});
