import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../src/app/server.ts';
import { createClient, type TenetClient } from '../src/client/index.ts';
import { routeManifest } from '../src/protocol/contract.ts';
import { type ReferenceContract, referenceContract } from '../src/protocol/routes/index.ts';
import { createTestDatabase, type TestDatabase, testConfig } from './helpers.ts';

/**
 * A fetch that keeps cookies as a browser would for one site: Path scoping, Max-Age=0 deletion.
 * (Secure is not enforced: the test server is plain http on 127.0.0.1, which browsers also treat as
 * secure.) `offline` makes every call fail as a dropped network does.
 */
function browserLikeFetch() {
  const jar = new Map<string, { value: string; path: string }>();
  const state = { offline: false, refreshes: 0 };
  const fetchWithCookies = async (url: string, init: RequestInit) => {
    if (state.offline) throw new TypeError('fetch failed');
    const { pathname } = new URL(url);
    if (pathname === '/api/auth/refresh') state.refreshes++;
    const cookie = [...jar]
      .filter(([, entry]) => pathname.startsWith(entry.path))
      .map(([name, entry]) => `${name}=${entry.value}`)
      .join('; ');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      if (value === '' || attributes.some((a) => a.toLowerCase() === 'max-age=0')) jar.delete(name);
      else jar.set(name, { value, path });
    }
    return response;
  };
  // What `document.cookie` shows a page: the cookies that are not HttpOnly (only csrf_token here).
  const documentCookie = () => (jar.has('csrf_token') ? `csrf_token=${jar.get('csrf_token')?.value}` : '');
  return { fetch: fetchWithCookies, documentCookie, jar, state };
}

let testDatabase: TestDatabase;
let server: RunningServer;

before(async () => {
  testDatabase = await createTestDatabase();
  server = await startServer(testConfig(testDatabase.config, { PORT: '0', ACCESS_TOKEN_TTL: '2' }));
});
after(async () => {
  await server.stop();
  await testDatabase.drop();
});

function clientFor(browser: ReturnType<typeof browserLikeFetch>): TenetClient<ReferenceContract> {
  return createClient<ReferenceContract>({
    routes: routeManifest(referenceContract),
    baseUrl: server.url,
    fetch: browser.fetch,
    cookies: browser.documentCookie,
    locks: null,
    channel: null,
  });
}

test('the typed client through sign-up, login, list, create, errors, expiry and refresh, offline, logout', async () => {
  const alice = browserLikeFetch();
  const client = clientFor(alice);

  // Sign-up: created; then a validation error with field details.
  const credentials = { email: 'alice@example.com', password: 'alice-password-1' };
  const signUp = await client.call('createUser', { body: { ...credentials, displayName: 'Alice' } });
  assert.equal(signUp.kind, 'created');
  const invalid = await client.call('createUser', {
    body: { email: 'nope', password: 'short', displayName: '' },
  });
  assert.equal(invalid.kind, 'validation');
  assert.ok(invalid.kind === 'validation' && invalid.code === 'VALIDATION_ERROR');
  assert.deepEqual(Object.keys(invalid.kind === 'validation' ? invalid.details : {}).sort(), [
    'displayName',
    'email',
    'password',
  ]);

  // Not signed in yet: unauthorized (the client tried one refresh, which could not help).
  assert.equal((await client.call('getCurrentUser')).kind, 'unauthorized');

  const login = await client.call('login', { body: credentials });
  assert.equal(login.kind, 'success');
  assert.ok(alice.jar.has('access_token') && alice.jar.has('refresh_token') && alice.jar.has('csrf_token'));
  const me = await client.call('getCurrentUser');
  assert.ok(me.kind === 'success');
  const aliceId = me.data.id;

  // Lists: her posts are empty, then one post after a create (the write carries X-CSRF-Token).
  const none = await client.call('listUserPosts', { params: { id: aliceId } });
  assert.equal(none.kind, 'empty');
  const created = await client.call('createPost', {
    params: { id: aliceId },
    body: { title: 'Hello', body: 'First post' },
  });
  assert.ok(created.kind === 'created');
  const postId = created.data.id;
  const posts = await client.call('listUserPosts', { params: { id: aliceId } });
  assert.ok(posts.kind === 'success');
  assert.deepEqual(
    posts.data.items.map((post) => post.id),
    [postId],
  );
  assert.equal(posts.data.pagination.totalItems, 1);
  const users = await client.call('listUsers', { query: { search: 'alice' } });
  assert.ok(users.kind === 'success' && users.data.items.some((user) => user.id === aliceId));

  // 404: a post that does not exist.
  const missing = await client.call('getPost', { params: { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } });
  assert.equal(missing.kind, 'notFound');

  // 403: another user may not edit Alice's post.
  const bob = browserLikeFetch();
  const bobClient = clientFor(bob);
  const bobCredentials = { email: 'bob@example.com', password: 'bob-password-12' };
  assert.equal(
    (await bobClient.call('createUser', { body: { ...bobCredentials, displayName: 'Bob' } })).kind,
    'created',
  );
  assert.equal((await bobClient.call('login', { body: bobCredentials })).kind, 'success');
  const forbidden = await bobClient.call('updatePost', {
    params: { id: postId },
    body: { title: 'Mine now' },
  });
  assert.equal(forbidden.kind, 'forbidden');
  assert.ok(forbidden.kind === 'forbidden' && forbidden.code === 'INSUFFICIENT_PERMISSIONS');

  // The access token expires (ACCESS_TOKEN_TTL=2): the client refreshes once and retries.
  const refreshesBefore = alice.state.refreshes;
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  const afterExpiry = await client.call('getCurrentUser');
  assert.equal(afterExpiry.kind, 'success');
  assert.equal(alice.state.refreshes, refreshesBefore + 1);
  const edited = await client.call('updatePost', { params: { id: postId }, body: { title: 'Hello again' } });
  assert.ok(edited.kind === 'success' && edited.data.title === 'Hello again');

  // Offline: the last good answer of a read, marked stale; a write has nothing to show.
  alice.state.offline = true;
  const offlineRead = await client.call('listUserPosts', { params: { id: aliceId } });
  assert.ok(offlineRead.kind === 'offline');
  assert.ok(offlineRead.cached?.stale === true);
  assert.deepEqual(
    offlineRead.cached?.data.items.map((post) => post.id),
    [postId],
  );
  const offlineWrite = await client.call('deletePost', { params: { id: postId } });
  assert.ok(offlineWrite.kind === 'offline' && offlineWrite.cached === null);
  alice.state.offline = false;

  // Logout: 204, the session's cookies cleared; afterwards the session is gone. Only the device
  // cookie stays: it marks a browser that signed in before, so per-e-mail lockout spares it.
  assert.equal((await client.call('logout')).kind, 'noContent');
  assert.deepEqual([...alice.jar.keys()], ['device_token']);
  assert.equal((await client.call('getCurrentUser')).kind, 'unauthorized');
  client.close();
  bobClient.close();
});

test('the typed client pages a list by cursor, with count=none, and gets each post once in order', async () => {
  const carol = browserLikeFetch();
  const client = clientFor(carol);
  const credentials = { email: 'carol@example.com', password: 'carol-password-1' };
  assert.equal(
    (await client.call('createUser', { body: { ...credentials, displayName: 'Carol' } })).kind,
    'created',
  );
  assert.equal((await client.call('login', { body: credentials })).kind, 'success');
  const me = await client.call('getCurrentUser');
  assert.ok(me.kind === 'success');
  const id = me.data.id;
  const made: string[] = [];
  for (let i = 0; i < 7; i++) {
    const post = await client.call('createPost', { params: { id }, body: { title: `Post ${i}`, body: '' } });
    assert.ok(post.kind === 'created');
    made.push(post.data.id);
  }
  // count=none: no total, said as null; the cursor of the next page comes with the first.
  const first = await client.call('listUserPosts', { params: { id }, query: { pageSize: 3, count: 'none' } });
  assert.ok(first.kind === 'success');
  assert.equal(first.data.pagination.totalItems, null);
  assert.equal(first.data.pagination.totalPages, null);
  const seen = first.data.items.map((post) => post.id);
  let cursor = first.data.pagination.nextCursor;
  while (cursor !== null) {
    const page = await client.call('listUserPosts', { params: { id }, query: { pageSize: 3, cursor } });
    assert.ok(page.kind === 'success');
    assert.equal(page.data.pagination.page, null, 'cursor mode has no page number');
    seen.push(...page.data.items.map((post) => post.id));
    cursor = page.data.pagination.nextCursor;
  }
  assert.deepEqual(seen, [...made].reverse(), 'newest first, each once');
  // count=estimated on the default scope is the counters' exact figure.
  const estimated = await client.call('listUserPosts', { params: { id }, query: { count: 'estimated' } });
  assert.ok(estimated.kind === 'success' && estimated.data.pagination.totalItems === 7);
  client.close();
});
