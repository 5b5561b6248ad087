import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { uuidSchema } from './ids.ts';
import { defineResourceRoutes, listQuerySchema } from './resource-routes.ts';

test('listQuerySchema: defaults, search trimmed (empty is no filter), includeDeleted as a flag', () => {
  const schema = listQuerySchema(['createdAt', 'title'], { searchable: true });
  assert.deepEqual(schema.parse({}), {
    page: 1,
    pageSize: 20,
    sortBy: 'createdAt',
    sortOrder: 'desc',
    includeDeleted: false,
    count: 'exact',
  });
  const parsed = schema.parse({ search: '  Hello ', includeDeleted: 'true', sortBy: 'title' });
  assert.equal(parsed.search, 'Hello');
  assert.equal(parsed.includeDeleted, true);
  assert.equal(schema.parse({ search: '   ' }).search, undefined);
  assert.equal(schema.parse({ includeDeleted: false }).includeDeleted, false);
  for (const bad of [
    { includeDeleted: 'yes' },
    { search: 'x'.repeat(101) },
    { search: ['a', 'b'] },
    { extra: '1' },
    { count: 'some' },
    { cursor: '' },
    { cursor: ['a', 'b'] },
  ]) {
    assert.equal(schema.safeParse(bad).success, false, JSON.stringify(bad));
  }
  const unsearchable = listQuerySchema(['createdAt'], { searchable: false });
  const refused = unsearchable.safeParse({ search: 'x' });
  assert.equal(refused.success, false);
  assert.equal(refused.error?.issues[0]?.message, 'This list cannot be searched');
});

test('defineResourceRoutes declares the seven routes, nested paths included, and create only when given', () => {
  const item = z.object({ id: uuidSchema });
  const fields = z.strictObject({ name: z.string() });
  const common = {
    name: 'widget',
    tag: 'widgets',
    itemPath: '/api/widgets/:id',
    itemParams: z.object({ id: uuidSchema }),
    item,
    fields,
    sortable: ['createdAt'] as const,
    access: { read: 'user', create: 'user', write: 'user', restore: 'admin' } as const,
  };
  const nested = defineResourceRoutes({
    ...common,
    collectionPath: '/api/users/:id/widgets',
    collectionParams: z.object({ id: uuidSchema }),
    create: fields,
  });
  assert.deepEqual(
    Object.entries(nested).map(([key, route]) => `${key} ${route.method} ${route.path} ${route.access}`),
    [
      'list GET /api/users/:id/widgets user',
      'get GET /api/widgets/:id user',
      'update PATCH /api/widgets/:id user',
      'replace PUT /api/widgets/:id user',
      'remove DELETE /api/widgets/:id user',
      'restore POST /api/widgets/:id/restore admin',
      'create POST /api/users/:id/widgets user',
    ],
  );
  assert.ok(Object.isFrozen(nested));
  assert.equal(nested.update.body.safeParse({}).success, true, 'PATCH takes any subset');
  assert.equal(nested.replace.body.safeParse({}).success, false, 'PUT takes every field');
  assert.equal(nested.update.body.safeParse({ other: 1 }).success, false, 'unknown fields are refused');
  const flat = defineResourceRoutes({ ...common, collectionPath: '/api/widgets' });
  assert.equal('create' in flat, false);
  assert.equal(flat.list.params, undefined);
});
