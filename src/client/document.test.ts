import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadOpenApiDocument } from './document.ts';

const respond = (status: number, text: string) => async () => new Response(text, { status });

test('loadOpenApiDocument reads the raw (non-envelope) document from the base URL', async () => {
  const seen: string[] = [];
  const result = await loadOpenApiDocument({
    baseUrl: 'http://api.test',
    fetch: async (url) => {
      seen.push(url);
      return new Response(JSON.stringify({ openapi: '3.1.0', paths: {} }), { status: 200 });
    },
  });
  assert.deepEqual(seen, ['http://api.test/api/openapi.json']);
  assert.equal(result.kind, 'success');
  assert.ok(result.kind === 'success' && 'paths' in result.document);
});

test('loadOpenApiDocument: no network is offline; an error or a non-document is serverError', async () => {
  const offline = await loadOpenApiDocument({
    fetch: () => Promise.reject(new TypeError('Failed to fetch')),
  });
  assert.deepEqual(offline, { kind: 'offline' });
  assert.deepEqual(await loadOpenApiDocument({ fetch: respond(502, '<html>') }), {
    kind: 'serverError',
    status: 502,
  });
  assert.deepEqual(await loadOpenApiDocument({ fetch: respond(200, 'not json') }), {
    kind: 'serverError',
    status: 200,
  });
  assert.deepEqual(await loadOpenApiDocument({ fetch: respond(200, '{"a":1}') }), {
    kind: 'serverError',
    status: 200,
  });
});
