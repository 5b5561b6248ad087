import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createClient, type FetchLike, manifestFromOpenApi, type OpenApiPaths } from '../src/client/index.ts';
import { type ReferenceContract, referenceContract, routeManifest } from '../src/index.ts';
import { call, dataOf, errorOf, type Page } from './api-requests.ts';
import { type ProjectsContract, projects } from './fixtures/projects/project-resource.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';

// The example of docs/adding-a-resource.md: one declaration and one migration, nothing else.

interface Project {
  id: string;
  userId: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

let t: TestApp;
let owner: TestSession;
let other: TestSession;
let admin: TestSession;

before(async () => {
  t = await buildTestApp({
    modules: [projects],
    migrations: [join(import.meta.dirname, 'fixtures/projects/migrations')],
  });
  owner = await createSession(t);
  other = await createSession(t);
  admin = await createSession(t, { role: 'admin' });
});
after(async () => {
  await t.close();
});

async function create(name: string, as = owner, description: string | null = null): Promise<Project> {
  return dataOf<Project>(
    await call(t, { method: 'POST', url: '/api/projects', as, payload: { name, description } }),
    201,
  );
}

describe('a projects resource declared in one file', () => {
  test('create, get, patch, put: representation, owner, Location, ETag, If-Match', async () => {
    const response = await call(t, {
      method: 'POST',
      url: '/api/projects',
      as: owner,
      payload: { name: '  Apollo ', description: 'to the moon' },
    });
    const project = dataOf<Project>(response, 201);
    assert.deepEqual(Object.keys(project).sort(), [
      'createdAt',
      'description',
      'id',
      'name',
      'updatedAt',
      'userId',
    ]);
    assert.equal(project.name, 'Apollo');
    assert.equal(project.userId, owner.user.id);
    assert.equal(response.headers.location, `/api/projects/${project.id}`);
    const got = await call(t, { url: `/api/projects/${project.id}`, as: other });
    assert.deepEqual(dataOf<Project>(got), project);
    const etag = String(got.headers.etag);
    assert.match(etag, /^"/);
    // Not the owner: 403; the owner with a stale ETag: 409; the owner: 200.
    errorOf(
      await call(t, {
        method: 'PATCH',
        url: `/api/projects/${project.id}`,
        as: other,
        payload: { name: 'X' },
      }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const patched = dataOf<Project>(
      await call(t, {
        method: 'PATCH',
        url: `/api/projects/${project.id}`,
        as: owner,
        payload: { description: null },
        headers: { 'if-match': etag },
      }),
    );
    assert.equal(patched.description, null);
    assert.equal(patched.name, 'Apollo');
    errorOf(
      await call(t, {
        method: 'PATCH',
        url: `/api/projects/${project.id}`,
        as: owner,
        payload: { name: 'Stale' },
        headers: { 'if-match': etag },
      }),
      409,
      'CONFLICT',
    );
    errorOf(
      await call(t, {
        method: 'PUT',
        url: `/api/projects/${project.id}`,
        as: owner,
        payload: { name: 'Only' },
      }),
      400,
      'MISSING_FIELD',
    );
    const replaced = dataOf<Project>(
      await call(t, {
        method: 'PUT',
        url: `/api/projects/${project.id}`,
        as: admin,
        payload: { name: 'Artemis', description: 'again' },
      }),
    );
    assert.deepEqual([replaced.name, replaced.description], ['Artemis', 'again']);
  });

  test('bad input: unknown fields, empty name, a non-UUID id, anonymous writes', async () => {
    const details = errorOf(
      await call(t, {
        method: 'POST',
        url: '/api/projects',
        as: owner,
        payload: { name: 'x', userId: other.user.id },
      }),
      400,
      'VALIDATION_ERROR',
    );
    assert.ok(details.userId);
    assert.ok(
      errorOf(
        await call(t, { method: 'POST', url: '/api/projects', as: owner, payload: { name: ' ' } }),
        400,
        'VALIDATION_ERROR',
      ).name,
    );
    errorOf(
      await call(t, { method: 'POST', url: '/api/projects', as: owner, payload: {} }),
      400,
      'MISSING_FIELD',
    );
    errorOf(await call(t, { url: '/api/projects/not-a-uuid', as: owner }), 400, 'INVALID_INPUT');
    errorOf(
      await call(t, { method: 'POST', url: '/api/projects', payload: { name: 'anon' } }),
      401,
      'UNAUTHORIZED',
    );
  });

  test('list: pagination, sort, search, the userId filter', async () => {
    const mine = [await create('Zeta', owner, 'blue'), await create('Alpha', owner, 'green')];
    const theirs = await create('Beta', other, 'blue sky');
    const byName = dataOf<Page<Project>>(
      await call(t, { url: '/api/projects?sortBy=name&sortOrder=asc&pageSize=2', as: owner }),
    );
    assert.equal(byName.items.length, 2);
    assert.equal(byName.items[0]?.name, 'Alpha');
    assert.equal(byName.pagination.hasNextPage, true);
    const filtered = dataOf<Page<Project>>(
      await call(t, { url: `/api/projects?userId=${other.user.id}`, as: owner }),
    );
    assert.deepEqual(
      filtered.items.map((item) => item.id),
      [theirs.id],
    );
    assert.equal(filtered.pagination.totalItems, 1);
    const searched = dataOf<Page<Project>>(await call(t, { url: '/api/projects?search=BLUE', as: owner }));
    assert.deepEqual(searched.items.map((item) => item.name).sort(), ['Beta', 'Zeta']);
    const both = dataOf<Page<Project>>(
      await call(t, { url: `/api/projects?search=blue&userId=${owner.user.id}`, as: owner }),
    );
    assert.deepEqual(
      both.items.map((item) => item.id),
      [mine[0]?.id],
    );
    errorOf(await call(t, { url: '/api/projects?userId=nope', as: owner }), 400, 'VALIDATION_ERROR');
    errorOf(await call(t, { url: '/api/projects?sortBy=description', as: owner }), 400, 'VALIDATION_ERROR');
    errorOf(await call(t, { url: '/api/projects?color=red', as: owner }), 400, 'VALIDATION_ERROR');
  });

  test('soft delete and restore: 404 once deleted, includeDeleted for admins, restore by an admin', async () => {
    const project = await create('Doomed');
    errorOf(
      await call(t, { method: 'DELETE', url: `/api/projects/${project.id}`, as: other }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    assert.equal(
      (await call(t, { method: 'DELETE', url: `/api/projects/${project.id}`, as: owner })).statusCode,
      204,
    );
    errorOf(await call(t, { url: `/api/projects/${project.id}`, as: owner }), 404, 'NOT_FOUND');
    const live = dataOf<Page<Project>>(await call(t, { url: '/api/projects?search=Doomed', as: owner }));
    assert.equal(live.items.length, 0);
    errorOf(
      await call(t, { url: '/api/projects?includeDeleted=true', as: owner }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const all = dataOf<Page<Project>>(
      await call(t, { url: '/api/projects?includeDeleted=true&search=Doomed', as: admin }),
    );
    assert.equal(all.items.length, 1);
    errorOf(
      await call(t, { method: 'POST', url: `/api/projects/${project.id}/restore`, as: owner }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const restored = dataOf<Project>(
      await call(t, { method: 'POST', url: `/api/projects/${project.id}/restore`, as: admin }),
    );
    assert.equal(restored.id, project.id);
    assert.equal(
      dataOf<Project>(await call(t, { url: `/api/projects/${project.id}`, as: owner })).name,
      'Doomed',
    );
  });

  test('in /api/openapi.json with x-tenet-resource, its tag described, and in /docs', async () => {
    const document = (await call(t, { url: '/api/openapi.json' })).json() as {
      tags: { name: string; description?: string }[];
      paths: Record<string, Record<string, { operationId: string; 'x-tenet-resource'?: unknown }>>;
    };
    assert.deepEqual(
      document.tags.find((tag) => tag.name === 'projects'),
      {
        name: 'projects',
        description: 'Projects owned by users',
      },
    );
    assert.equal(document.paths['/api/projects']?.get?.operationId, 'listProjects');
    assert.deepEqual(document.paths['/api/projects']?.get?.['x-tenet-resource'], {
      name: 'projects',
      action: 'list',
    });
    assert.deepEqual(document.paths['/api/projects/{id}/restore']?.post?.['x-tenet-resource'], {
      name: 'projects',
      action: 'restore',
    });
    const list = document.paths['/api/projects']?.get as unknown as { parameters: unknown[] } | undefined;
    assert.ok(JSON.stringify(list?.parameters).includes('"userId"'));
    assert.equal((await call(t, { url: '/docs' })).statusCode, 200);
  });

  test('through the typed client, with the manifest read from the OpenAPI document', async () => {
    type AppContract = ReferenceContract & ProjectsContract;
    const fetch: FetchLike = async (url, init) => {
      const response = await t.app.inject({
        method: init.method as 'GET',
        url,
        headers: { ...(init.headers as Record<string, string>), ...owner.headers },
        ...(init.body === undefined ? {} : { payload: String(init.body) }),
      });
      return {
        status: response.statusCode,
        headers: {
          get: (name: string) => (response.headers[name.toLowerCase()] as string | undefined) ?? null,
        },
        text: async () => response.body,
      };
    };
    const client = createClient<AppContract>({
      routes: manifestFromOpenApi<AppContract>(
        (await call(t, { url: '/api/openapi.json' })).json() as OpenApiPaths,
      ),
      fetch,
      cookies: () => `csrf_token=${owner.jar.get('csrf_token') ?? ''}`,
      locks: null,
      channel: null,
    });
    // The manifest read from the document is the one the contract gives.
    assert.deepEqual(
      manifestFromOpenApi((await call(t, { url: '/api/openapi.json' })).json() as OpenApiPaths),
      routeManifest({ ...referenceContract, ...projects.routes }),
    );
    const created = await client.call('createProject', { body: { name: 'Typed', description: null } });
    assert.equal(created.kind, 'created');
    if (created.kind !== 'created') return;
    assert.equal(created.data.userId, owner.user.id);
    const listed = await client.call('listProjects', { query: { userId: owner.user.id, search: 'Typed' } });
    assert.equal(listed.kind, 'success');
    if (listed.kind === 'success')
      assert.deepEqual(
        listed.data.items.map((item) => item.name),
        ['Typed'],
      );
    const invalid = await client.call('createProject', { body: { name: '' } });
    assert.equal(invalid.kind, 'validation');
    client.close();
  });
});
