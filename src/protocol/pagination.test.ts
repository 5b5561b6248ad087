import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computePagination, PAGE_MAX, pageOffset, paginationQuerySchema } from './pagination.ts';

test('pagination math: first, middle, last, past the end, empty', () => {
  assert.deepEqual(computePagination(1, 20, 45), {
    page: 1,
    pageSize: 20,
    totalItems: 45,
    totalPages: 3,
    hasNextPage: true,
    hasPreviousPage: false,
  });
  assert.deepEqual(computePagination(2, 20, 45), {
    page: 2,
    pageSize: 20,
    totalItems: 45,
    totalPages: 3,
    hasNextPage: true,
    hasPreviousPage: true,
  });
  assert.deepEqual(computePagination(3, 20, 45), {
    page: 3,
    pageSize: 20,
    totalItems: 45,
    totalPages: 3,
    hasNextPage: false,
    hasPreviousPage: true,
  });
  assert.deepEqual(computePagination(9, 20, 45), {
    page: 9,
    pageSize: 20,
    totalItems: 45,
    totalPages: 3,
    hasNextPage: false,
    hasPreviousPage: true,
  });
  assert.deepEqual(computePagination(1, 20, 0), {
    page: 1,
    pageSize: 20,
    totalItems: 0,
    totalPages: 0,
    hasNextPage: false,
    hasPreviousPage: false,
  });
  assert.equal(computePagination(1, 20, 40).totalPages, 2);
  assert.equal(pageOffset(3, 20), 40);
});

test('query schema: defaults, numbers from strings, bounds and allow-list', () => {
  const schema = paginationQuerySchema(['createdAt', 'email'], 'createdAt');
  assert.deepEqual(schema.parse({}), { page: 1, pageSize: 20, sortBy: 'createdAt', sortOrder: 'desc' });
  assert.deepEqual(schema.parse({ page: '2', pageSize: '100', sortBy: 'email', sortOrder: 'asc' }), {
    page: 2,
    pageSize: 100,
    sortBy: 'email',
    sortOrder: 'asc',
  });
  assert.equal(schema.parse({ page: 3 }).page, 3, 'a typed client may send numbers');
  assert.equal(schema.parse({ page: String(PAGE_MAX) }).page, PAGE_MAX);
  for (const bad of [
    { page: '0' },
    { page: String(PAGE_MAX + 1) },
    { page: '1e30' },
    { page: '1.0' },
    { page: ' 1' },
    { page: '0x10' },
    { pageSize: '0' },
    { pageSize: '101' },
    { pageSize: '-1' },
    { pageSize: 'abc' },
    { pageSize: '' },
    { sortBy: '__proto__' },
    { sortBy: 'toString' },
    { sortBy: 'created_at' },
    { sortOrder: 'DESC' },
    { page: ['1', '2'] },
  ]) {
    assert.equal(schema.safeParse(bad).success, false, JSON.stringify(bad));
  }
});
