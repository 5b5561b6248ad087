import assert from 'node:assert/strict';
import type { ListPagination } from '../src/protocol/cursor.ts';
import type { TestApp } from './helpers.ts';

/** Paging parameters every list refuses with 400 VALIDATION_ERROR, and the parameter it names. */
export const MALFORMED_PAGING: readonly (readonly [query: string, field: string])[] = [
  ['pageSize=0', 'pageSize'],
  ['pageSize=101', 'pageSize'],
  ['pageSize=-1', 'pageSize'],
  ['pageSize=abc', 'pageSize'],
  ['pageSize=1.5', 'pageSize'],
  ['page=0', 'page'],
  ['page=1e30', 'page'],
  ['page=99999999999999999999', 'page'],
  ['page=1&page=2', 'page'],
  ['sortOrder=up', 'sortOrder'],
];

/** A response as the tests read it. */
export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json(): unknown;
}

/** What one request sends; `as` is a session's headers (cookie, CSRF token), or none. */
export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  as?: { headers: Record<string, string> } | undefined;
  payload?: unknown;
  headers?: Record<string, string>;
}

/** Sends a request through `app.inject`, as the given session. */
export async function call(testApp: TestApp, request: ApiRequest): Promise<ApiResponse> {
  return testApp.app.inject({
    method: request.method ?? 'GET',
    url: request.url,
    headers: { ...request.as?.headers, ...request.headers },
    ...(request.payload === undefined ? {} : { payload: request.payload as Record<string, unknown> }),
  });
}

/** Asserts a success and returns its `data`. */
export function dataOf<T = Record<string, unknown>>(response: ApiResponse, status = 200): T {
  assert.equal(response.statusCode, status, response.body);
  const body = response.json() as { success: boolean; data: T };
  assert.equal(body.success, true);
  return body.data;
}

/** Asserts an error envelope with this status and code; returns its `details`. */
export function errorOf(response: ApiResponse, status: number, code: string): Record<string, string[]> {
  assert.equal(response.statusCode, status, response.body);
  const body = response.json() as {
    success: boolean;
    error: { code: string; details?: Record<string, string[]> };
  };
  assert.equal(body.success, false);
  assert.equal(body.error.code, code, response.body);
  return body.error.details ?? {};
}

/** The `pagination` object and item ids of a list response. */
export interface Page<T> {
  items: T[];
  pagination: ListPagination;
}

/**
 * The offset-mode facts of a page (cursors left out), after checking its cursors agree with them:
 * a page with items has a next (previous) cursor exactly when it has a next (previous) page.
 */
export function offsetFacts(page: Page<unknown>): Omit<ListPagination, 'nextCursor' | 'prevCursor'> {
  const { nextCursor, prevCursor, ...facts } = page.pagination;
  if (page.items.length > 0) {
    assert.equal(typeof nextCursor === 'string', facts.hasNextPage, 'nextCursor iff hasNextPage');
    assert.equal(typeof prevCursor === 'string', facts.hasPreviousPage, 'prevCursor iff hasPreviousPage');
  } else {
    assert.equal(nextCursor, null);
    assert.equal(prevCursor, null);
  }
  return facts;
}

/** Walks every page of a list at `pageSize`, returning the ids in the order they came. */
export async function walkPages(
  testApp: TestApp,
  as: ApiRequest['as'],
  url: string,
  pageSize: number,
): Promise<string[]> {
  const ids: string[] = [];
  const separator = url.includes('?') ? '&' : '?';
  for (let page = 1; ; page += 1) {
    const data = dataOf<Page<{ id: string }>>(
      await call(testApp, { url: `${url}${separator}page=${page}&pageSize=${pageSize}`, as }),
    );
    ids.push(...data.items.map((item) => item.id));
    if (!data.pagination.hasNextPage) {
      assert.equal(page, Math.max(data.pagination.totalPages ?? 0, 1));
      assert.equal(ids.length, data.pagination.totalItems);
      return ids;
    }
  }
}
