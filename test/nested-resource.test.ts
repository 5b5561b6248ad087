import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { call, dataOf, errorOf, type Page } from './api-requests.ts';
import { projects } from './fixtures/projects/project-resource.ts';
import { tasks } from './fixtures/tasks/task-resource.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';

// A second declared resource: nested under projects, ULID ids, a column named apart from its field.

interface Task {
  id: string;
  projectId: string;
  userId: string;
  title: string;
  done: boolean;
}

let t: TestApp;
let owner: TestSession;
let other: TestSession;
let projectId: string;

before(async () => {
  t = await buildTestApp({
    modules: [projects, tasks],
    migrations: ['projects', 'tasks'].map((name) => join(import.meta.dirname, `fixtures/${name}/migrations`)),
  });
  owner = await createSession(t);
  other = await createSession(t);
  const project = await call(t, { method: 'POST', url: '/api/projects', as: owner, payload: { name: 'P' } });
  projectId = dataOf<{ id: string }>(project, 201).id;
});
after(async () => {
  await t.close();
});

test('nested: created and listed under a live project, read on its own path, with a ULID', async () => {
  const response = await call(t, {
    method: 'POST',
    url: `/api/projects/${projectId}/tasks`,
    as: owner,
    payload: { title: 'Write docs' },
  });
  const task = dataOf<Task>(response, 201);
  assert.match(task.id, /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  assert.deepEqual([task.projectId, task.userId, task.done], [projectId, owner.user.id, false]);
  assert.equal(response.headers.location, `/api/tasks/${task.id}`);
  assert.deepEqual(
    dataOf<Task>(await call(t, { url: `/api/tasks/${task.id.toLowerCase()}`, as: other })),
    task,
  );
  const done = dataOf<Task>(
    await call(t, { method: 'PATCH', url: `/api/tasks/${task.id}`, as: owner, payload: { done: true } }),
  );
  assert.equal(done.done, true);
  await call(t, {
    method: 'POST',
    url: `/api/projects/${projectId}/tasks`,
    as: owner,
    payload: { title: 'Open' },
  });
  const open = dataOf<Page<Task>>(
    await call(t, { url: `/api/projects/${projectId}/tasks?done=false`, as: other }),
  );
  assert.deepEqual(
    open.items.map((item) => item.title),
    ['Open'],
  );
  const all = dataOf<Page<Task>>(
    await call(t, { url: `/api/projects/${projectId}/tasks?sortBy=title&sortOrder=asc`, as: other }),
  );
  assert.deepEqual(
    all.items.map((item) => item.title),
    ['Open', 'Write docs'],
  );
  errorOf(
    await call(t, { url: `/api/projects/${projectId}/tasks?done=maybe`, as: other }),
    400,
    'VALIDATION_ERROR',
  );
  errorOf(
    await call(t, { method: 'PATCH', url: `/api/tasks/${task.id}`, as: other, payload: { done: false } }),
    403,
    'INSUFFICIENT_PERMISSIONS',
  );
});

test('nested: an unknown or deleted project is 404; the names and paths are in the document', async () => {
  const unknown = '7f1b1f36-2a0c-4f7d-9a55-0c1a8a0d7e11';
  errorOf(await call(t, { url: `/api/projects/${unknown}/tasks`, as: owner }), 404, 'NOT_FOUND');
  assert.equal(
    (await call(t, { method: 'DELETE', url: `/api/projects/${projectId}`, as: owner })).statusCode,
    204,
  );
  errorOf(
    await call(t, {
      method: 'POST',
      url: `/api/projects/${projectId}/tasks`,
      as: owner,
      payload: { title: 'x' },
    }),
    404,
    'NOT_FOUND',
  );
  const document = (await call(t, { url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, { operationId: string; 'x-tenet-resource'?: unknown }>>;
  };
  assert.equal(document.paths['/api/projects/{id}/tasks']?.get?.operationId, 'listProjectTasks');
  assert.deepEqual(document.paths['/api/projects/{id}/tasks']?.post?.['x-tenet-resource'], {
    name: 'tasks',
    action: 'create',
    parent: 'projects',
  });
  assert.equal(document.paths['/api/tasks/{id}']?.delete?.operationId, 'deleteTask');
});
