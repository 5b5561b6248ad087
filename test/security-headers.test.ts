import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { SECURITY_HEADERS } from '../src/http/security-headers.ts';
import { buildTestApp, type TestApp } from './helpers.ts';

let tenet: TestApp;
let reference: FastifyInstance;

before(async () => {
  tenet = await buildTestApp();
  // What helmet's defaults send: the static headers must stay exactly this set.
  reference = Fastify();
  await reference.register(helmet, { global: true });
  reference.get('/api/health', async () => ({}));
  await reference.ready();
});

after(async () => {
  await reference.close();
  await tenet.close();
});

function helmetHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, headers[name]]));
}

test('the static security headers are exactly the ones helmet sends by default', async () => {
  const expected = (await reference.inject('/api/health')).headers;
  const names = Object.keys(expected).filter(
    (name) => !['content-type', 'content-length', 'date', 'connection'].includes(name),
  );
  assert.deepEqual(names.sort(), Object.keys(SECURITY_HEADERS).sort());
  for (const url of ['/api/health', '/api/no-such-route', '/api/users']) {
    const response = await tenet.app.inject(url);
    assert.deepEqual(helmetHeaders(response.headers), helmetHeaders(expected), url);
  }
});
