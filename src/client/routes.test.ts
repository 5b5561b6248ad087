import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contractRoutes } from '../protocol/openapi-routes.ts';
import { routeManifest } from './routes.ts';

test('the manifest has every route of the contract, with its method and path, and nothing else', () => {
  const expected = Object.fromEntries(
    Object.entries(contractRoutes).map(([name, route]) => [name, { method: route.method, path: route.path }]),
  );
  const literal = Object.entries(expected)
    .map(([name, { method, path }]) => `  ${name}: { method: '${method}', path: '${path}' },`)
    .join('\n');
  assert.deepEqual(routeManifest, expected, `routeManifest in src/client/routes.ts should be:\n${literal}`);
});
