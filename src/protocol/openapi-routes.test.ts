import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineRoute } from './contract.ts';
import { contractRoutes, nameRoutes } from './openapi-routes.ts';
import * as contract from './routes/index.ts';

const base = { summary: 's', tags: [], access: 'public', responses: { 204: null }, errors: [] } as const;
const first = defineRoute({ ...base, method: 'GET', path: '/api/first' });
const second = defineRoute({ ...base, method: 'GET', path: '/api/second' });

test('names each listed route by the export that holds it, in list order', () => {
  assert.deepEqual(nameRoutes([second, first], { first, second, routes: [first, second], other: 42 }), {
    second,
    first,
  });
});

test('refuses a listed route that is not exported, or exported twice', () => {
  assert.throws(
    () => nameRoutes([first, second], { first }),
    /GET \/api\/second must be exported by exactly one name/,
  );
  assert.throws(() => nameRoutes([first], { first, alias: first }), /found 2/);
});

test('refuses an exported route missing from the list', () => {
  assert.throws(() => nameRoutes([first], { first, second }), /Route "second" is exported but missing/);
});

test('the contract: every route of the list has its name', () => {
  assert.deepEqual(Object.values(contractRoutes), [...contract.routes]);
  for (const [name, route] of Object.entries(contractRoutes)) {
    assert.equal((contract as Record<string, unknown>)[name], route);
  }
});
