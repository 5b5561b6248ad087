import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { API_SECURITY_HEADERS, SECURITY_HEADERS } from '../src/http/security-headers.ts';
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

test('pages get exactly the security headers helmet sends by default', async () => {
  const expected = (await reference.inject('/api/health')).headers;
  const names = Object.keys(expected).filter(
    (name) => !['content-type', 'content-length', 'date', 'connection'].includes(name),
  );
  assert.deepEqual(names.sort(), Object.keys(SECURITY_HEADERS).sort());
  for (const url of ['/docs', '/no-such-page']) {
    const response = await tenet.app.inject(url);
    // The pages set their own, stricter CSP; every other header is helmet's.
    const { 'content-security-policy': _csp, ...rest } = helmetHeaders(response.headers);
    const { 'content-security-policy': _helmetCsp, ...helmetRest } = helmetHeaders(expected);
    assert.deepEqual(rest, helmetRest, url);
  }
});

test('API answers get the API set, errors included, and none of the document-only headers', async () => {
  for (const url of ['/api/health', '/api/no-such-route', '/api/users', '/api?x=1']) {
    const response = await tenet.app.inject(url);
    for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) {
      assert.equal(response.headers[name], value, `${url} ${name}`);
    }
    for (const name of Object.keys(SECURITY_HEADERS).filter((name) => !(name in API_SECURITY_HEADERS))) {
      assert.equal(response.headers[name], undefined, `${url} ${name}`);
    }
    assert.equal(response.headers['cache-control'], 'no-store', url);
  }
});
