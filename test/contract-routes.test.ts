import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../src/protocol/contract.ts';
import { implement } from '../src/protocol/handler.ts';
import { routes } from '../src/protocol/routes/index.ts';
import { buildTestApp, type TestApp } from './helpers.ts';

/** Served by the app but not contract routes: the raw document and the reference page. */
function isExempt(path: string): boolean {
  return path === '/api/openapi.json' || path === '/docs' || path.startsWith('/docs/');
}

/**
 * Reads `printRoutes({ commonPrefix: false })`: a tree whose lines are `├── /segment (GET, HEAD)`,
 * indented four characters per level, each node's path continuing its parent's.
 */
function registeredRoutes(tree: string): Set<string> {
  const found = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([^)]*)\))?$/u.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    const path = stack.join('');
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      // Fastify adds HEAD to every GET route by itself.
      if (method !== 'HEAD') found.add(`${method} ${path}`);
    }
  }
  return found;
}

/** Contract routes the app lacks, and app routes the contract lacks (exempt paths aside). */
function compare(registered: Set<string>, contract: readonly RouteSpec[]) {
  const declared = new Set(contract.map((route) => `${route.method} ${route.path}`));
  return {
    missingFromApp: [...declared].filter((route) => !registered.has(route)).sort(),
    missingFromContract: [...registered]
      .filter((route) => !declared.has(route) && !isExempt(route.slice(route.indexOf(' ') + 1)))
      .sort(),
  };
}

const extraRoute = defineRoute({
  method: 'GET',
  path: '/api/extra/:id',
  summary: 'a route outside the contract',
  tags: ['test'],
  access: 'public',
  params: z.object({ id: z.string() }),
  responses: { 204: null },
  errors: [],
});

let app: TestApp;
let withExtra: TestApp;
before(async () => {
  app = await buildTestApp();
  withExtra = await buildTestApp({
    routes: [implement(extraRoute, async () => ({ status: 204, data: undefined }))],
  });
});
after(async () => {
  await app.close();
  await withExtra.close();
});

test('the app serves every contract route and nothing else but /api/openapi.json and /docs', () => {
  const registered = registeredRoutes(app.app.printRoutes({ commonPrefix: false }));
  // The reading of the tree finds nested and exempt routes, so an empty difference means something.
  assert.ok(registered.has('GET /api/health'));
  assert.ok(registered.has('GET /api/openapi.json') && registered.has('GET /docs/docs-init.js'));
  assert.deepEqual(compare(registered, routes), { missingFromApp: [], missingFromContract: [] });
});

test('a route on one side only is reported', () => {
  const registered = registeredRoutes(withExtra.app.printRoutes({ commonPrefix: false }));
  assert.deepEqual(compare(registered, routes).missingFromContract, ['GET /api/extra/:id']);
  const [first, ...rest] = routes;
  assert.ok(first);
  assert.deepEqual(
    compare(registeredRoutes(app.app.printRoutes({ commonPrefix: false })), [...rest, extraRoute]),
    {
      missingFromApp: ['GET /api/extra/:id'],
      missingFromContract: [`${first.method} ${first.path}`],
    },
  );
});
