import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { referenceDocument } from '../src/app/app.ts';
import { buildTestApp, type TestApp } from './helpers.ts';

let test_: TestApp;
before(async () => {
  test_ = await buildTestApp();
});
after(async () => {
  await test_.close();
});

describe('GET /api/openapi.json', () => {
  test('is the raw document generated from the contract, not an envelope', async () => {
    const response = await test_.app.inject({ url: '/api/openapi.json' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const body = response.json();
    assert.equal(body.success, undefined);
    assert.equal(body.openapi, '3.1.0');
    assert.deepEqual(body, JSON.parse(JSON.stringify(referenceDocument())));
    assert.equal(response.headers['x-request-id'] !== undefined, true);
  });

  test('each kit operation names its resource and action (x-tenet-resource), for generic clients', async () => {
    const body = (await test_.app.inject({ url: '/api/openapi.json' })).json();
    const found = new Map<string, string>();
    for (const [path, item] of Object.entries<Record<string, { 'x-tenet-resource'?: unknown }>>(body.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const resource = operation['x-tenet-resource'];
        if (resource) found.set(`${method.toUpperCase()} ${path}`, JSON.stringify(resource));
      }
    }
    assert.equal(found.get('GET /api/users'), '{"name":"users","action":"list"}');
    assert.equal(found.get('POST /api/users'), '{"name":"users","action":"create"}');
    assert.equal(found.get('GET /api/users/{id}/posts'), '{"name":"posts","action":"list","parent":"users"}');
    assert.equal(
      found.get('POST /api/users/{id}/posts'),
      '{"name":"posts","action":"create","parent":"users"}',
    );
    assert.equal(found.get('DELETE /api/posts/{id}'), '{"name":"posts","action":"delete"}');
    assert.equal(found.get('POST /api/posts/{id}/restore'), '{"name":"posts","action":"restore"}');
    assert.equal(found.get('POST /api/auth/login'), undefined);
    assert.equal(found.size, 14);
  });

  test('a wrong method is 405 with Allow, like the contract routes', async () => {
    const response = await test_.app.inject({ method: 'POST', url: '/api/openapi.json' });
    assert.equal(response.statusCode, 405);
    assert.equal(response.json().error.code, 'METHOD_NOT_ALLOWED');
    assert.equal(response.headers.allow, 'GET, HEAD');
  });
});

describe('/docs', () => {
  test('serves the reference page under the strict CSP, its scripts as files', async () => {
    const response = await test_.app.inject({ url: '/docs' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /script-src-attr 'none'/);
    // No inline script (the CSP would block it) and nothing from another origin.
    assert.doesNotMatch(response.body, /<script(?![^>]*\ssrc=)[^>]*>/);
    assert.doesNotMatch(response.body, /(src|href)="(https?:)?\/\//);
    assert.equal((await test_.app.inject({ url: '/docs/' })).body, response.body);
  });

  test('every asset the page names is served locally with its type', async () => {
    const page = (await test_.app.inject({ url: '/docs' })).body;
    const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    assert.ok(assets.length >= 4, assets.join(', '));
    for (const asset of assets) {
      const response = await test_.app.inject({ url: asset });
      assert.equal(response.statusCode, 200, asset);
      const type = String(response.headers['content-type']);
      if (asset.endsWith('.js')) assert.match(type, /^text\/javascript/, asset);
      if (asset.endsWith('.css')) assert.match(type, /^text\/css/, asset);
      assert.ok(response.rawPayload.length > 0, asset);
    }
  });

  test('the init script points Swagger UI at this server only, with no online validator', async () => {
    const script = (await test_.app.inject({ url: '/docs/docs-init.js' })).body;
    assert.match(script, /url: '\/api\/openapi\.json'/);
    assert.match(script, /validatorUrl: null/);
    assert.doesNotMatch(script, /https?:\/\//);
  });

  test('a wrong method is 405; an unknown asset is 404', async () => {
    const wrong = await test_.app.inject({ method: 'DELETE', url: '/docs' });
    assert.equal(wrong.statusCode, 405);
    assert.equal(wrong.headers.allow, 'GET, HEAD');
    const missing = await test_.app.inject({ url: '/docs/../../package.json' });
    assert.equal(missing.statusCode, 404);
    assert.equal((await test_.app.inject({ url: '/docs/nothing.js' })).json().error.code, 'NOT_FOUND');
  });
});
