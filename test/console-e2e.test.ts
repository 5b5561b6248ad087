import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type ConsoleSetup,
  makeUser,
  newPage,
  seriousViolations,
  serveConsoleElsewhere,
  shot,
  signIn,
  startConsole,
  viewState,
} from './console/harness.ts';

const envelope = (code: string, message: string) =>
  JSON.stringify({
    success: false,
    error: { code, message },
    meta: { requestId: 'req-test', timestamp: new Date().toISOString() },
  });

async function assertAccessible(page: Page): Promise<void> {
  assert.deepEqual(await seriousViolations(page), []);
}

/** The users list call, whatever its query. */
const usersList = (url: URL) => url.pathname === '/api/users';

async function state(page: Page): Promise<string | null> {
  return page.locator('main').first().getAttribute('data-state');
}

/** Makes a post for a user through the API, signed in as them in a page. */
async function createPostVia(page: Page, base: string, userId: string, title: string): Promise<string> {
  await page.goto(`${base}/users/${userId}/posts/new`);
  await viewState(page, 'success');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Body').fill(`Body of ${title}`);
  await page.getByRole('button', { name: 'Create post' }).click();
  await viewState(page, 'created');
  return new URL(page.url()).pathname.split('/')[2] ?? '';
}

describe('console: the state matrix in Chromium', { concurrency: false }, () => {
  let setup: ConsoleSetup;
  let base: string;
  let admin: { id: string; email: string; password: string };
  let ada: { id: string; email: string; password: string };
  let bob: { id: string; email: string; password: string };
  const cspErrors: string[] = [];

  before(async () => {
    setup = await startConsole();
    base = setup.url;
    admin = await makeUser(setup.testApp, {
      role: 'admin',
      displayName: 'Admin',
      email: 'admin@example.com',
    });
    ada = await makeUser(setup.testApp, { displayName: 'Ada Lovelace', email: 'ada@example.com' });
    bob = await makeUser(setup.testApp, { displayName: 'Bob Builder', email: 'bob@example.com' });
    for (let index = 0; index < 22; index += 1) {
      await makeUser(setup.testApp, {
        displayName: `Member ${String(index).padStart(2, '0')}`,
        email: `member${index}@example.com`,
      });
    }
  });
  after(async () => {
    await setup?.close();
    assert.deepEqual(cspErrors, [], 'no Content-Security-Policy violation on any page');
  });

  async function page(): Promise<Page> {
    const { page: created } = await newPage(setup.browser);
    created.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspErrors.push(message.text());
    });
    return created;
  }

  test('the page is served at / under a CSP without unsafe-inline; the API stays JSON', async () => {
    const response = await fetch(`${base}/users?page=2`, { headers: { Accept: 'text/html' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const html = await response.text();
    assert.doesNotMatch(
      html,
      /<script>(?!<)|<script(?![^>]*\bsrc=)[^>]*>|<style|style=/,
      'no inline script or style',
    );
    const asset = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    assert.ok(asset);
    const script = await fetch(`${base}${asset}`);
    assert.equal(script.status, 200);
    assert.match(
      script.headers.get('cache-control') ?? '',
      /max-age=31536000.*immutable|immutable.*max-age=31536000/,
    );
    const unknown = await fetch(`${base}/api/nope`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    assert.equal((await fetch(`${base}/docs`)).status, 200);
    // An API client asking elsewhere still gets the JSON 404; a browser gets the page.
    assert.equal((await fetch(`${base}/elsewhere`, { headers: { Accept: 'application/json' } })).status, 404);
    assert.equal((await fetch(`${base}/api/nope`, { headers: { Accept: 'text/html' } })).status, 404);
  });

  test('401: a deep link while signed out goes to login, then back; only csrf_token is readable', async () => {
    const tab = await page();
    await tab.goto(`${base}/users?sortBy=email&sortOrder=asc`);
    await viewState(tab, 'unauthorized');
    assert.equal(new URL(tab.url()).pathname, '/login');
    await shot(tab, 'unauthorized');
    await assertAccessible(tab);
    // Keyboard only: the heading has focus; tab to the fields, type, Enter.
    await tab.keyboard.press('Tab');
    await tab.keyboard.type(ada.email);
    await tab.keyboard.press('Tab');
    await tab.keyboard.type(ada.password);
    await tab.keyboard.press('Enter');
    await tab.waitForURL(`${base}/users?sortBy=email&sortOrder=asc`);
    await viewState(tab, 'success');
    assert.equal(await tab.locator('tbody tr').first().locator('td').first().innerText(), 'Ada Lovelace');
    const cookies = await tab.evaluate(() => document.cookie);
    assert.match(cookies, /^csrf_token=[^;]+$/);
    await tab.context().close();
  });

  test('loading, success with paging and sort, and empty search; the first render is measured', async (context) => {
    const tab = await page();
    await signIn(tab, base, ada, '/');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await tab.route(usersList, async (route) => {
      await held;
      await route.continue();
    });
    await tab.goto(`${base}/users`);
    await viewState(tab, 'loading');
    await shot(tab, 'loading');
    await assertAccessible(tab);
    release();
    await viewState(tab, 'success');
    await tab.unroute(usersList);
    const firstRender = await tab.evaluate(() => {
      const mark = performance.getEntriesByName('console:list:users')[0];
      return mark ? mark.startTime : null;
    });
    assert.ok(firstRender !== null && firstRender > 0);
    await shot(tab, 'success');
    await assertAccessible(tab);
    // Time to first render: a fresh load of the list, signed in, read from the page's own mark.
    await tab.goto(`${base}/users`);
    await viewState(tab, 'success');
    const rendered = await tab.evaluate(
      () => performance.getEntriesByName('console:list:users')[0]?.startTime ?? null,
    );
    assert.ok(rendered !== null);
    context.diagnostic(`first render of the users list: ${Math.round(rendered)} ms after navigation start`);
    assert.match(await tab.locator('.pager').innerText(), /Page 1 of 2/);
    await tab.getByRole('button', { name: 'Next' }).click();
    await tab.waitForURL(/page=2/);
    await viewState(tab, 'success');
    assert.match(await tab.locator('.pager').innerText(), /Page 2 of 2/);
    await tab.getByRole('button', { name: 'Email' }).click();
    await tab.waitForURL(/sortBy=email&sortOrder=asc/);
    await viewState(tab, 'success');
    assert.equal(await tab.locator('tbody tr').first().locator('td').first().innerText(), 'Ada Lovelace');
    await tab.getByLabel('Search').fill('no-such-person');
    await tab.getByRole('button', { name: 'Apply' }).click();
    await viewState(tab, 'empty');
    assert.match(await tab.locator('.empty').innerText(), /No users match/);
    await shot(tab, 'empty');
    await assertAccessible(tab);
    // Reloading keeps the view: the query is the URL.
    await tab.reload();
    await viewState(tab, 'empty');
    await tab.context().close();
  });

  test('validation: field errors under the fields, focus on the first; created: toast and redirect', async () => {
    const tab = await page();
    await signIn(tab, base, ada, `/users/${ada.id}/posts/new`);
    await viewState(tab, 'success');
    await tab.getByLabel('Body').fill('x');
    await tab.getByRole('button', { name: 'Create post' }).click();
    await viewState(tab, 'validation');
    assert.equal(await tab.evaluate(() => document.activeElement?.getAttribute('name')), 'title');
    assert.equal(await tab.getByLabel('Title').getAttribute('aria-invalid'), 'true');
    assert.ok((await tab.locator('#field-title-error').innerText()).length > 0);
    await shot(tab, 'validation');
    await assertAccessible(tab);
    await tab.getByLabel('Title').fill('Notes on the engine');
    await tab.getByRole('button', { name: 'Create post' }).click();
    await viewState(tab, 'created');
    assert.match(tab.url(), /\/posts\/[0-9A-Z]{26}$/);
    assert.match(await tab.locator('.toast').innerText(), /created/);
    await shot(tab, 'created');
    await assertAccessible(tab);
    await tab.context().close();
  });

  test("403: the edit form of another user's post, and a list only admins may see", async () => {
    const owner = await page();
    await signIn(owner, base, ada, '/');
    const postId = await createPostVia(owner, base, ada.id, 'Ada only');
    await owner.context().close();

    const tab = await page();
    await signIn(tab, base, bob, `/posts/${postId}/edit`);
    await viewState(tab, 'forbidden');
    assert.match(await tab.locator('.alert').innerText(), /permission/i);
    await shot(tab, 'forbidden');
    await assertAccessible(tab);
    // The server's own 403 shows the same way.
    await tab.goto(`${base}/users?includeDeleted=true`);
    await viewState(tab, 'forbidden');
    assert.match(await tab.locator('.alert').innerText(), /permission/i);
    await tab.context().close();
  });

  test('404: an unknown id; 204: delete is silent and lands on the list; restore for admins', async () => {
    const tab = await page();
    await signIn(tab, base, ada, '/posts/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    await viewState(tab, 'notFound');
    await shot(tab, 'notFound');
    await assertAccessible(tab);
    const postId = await createPostVia(tab, base, ada.id, 'Short lived');
    await tab.getByRole('button', { name: 'Delete' }).click();
    await tab.getByRole('button', { name: 'Yes, delete this post' }).click();
    await viewState(tab, 'noContent');
    assert.equal(new URL(tab.url()).pathname, `/users/${ada.id}/posts`);
    await shot(tab, 'noContent');
    await assertAccessible(tab);
    await tab.goto(`${base}/posts/${postId}`);
    await viewState(tab, 'notFound');
    await tab.context().close();

    const adminTab = await page();
    await signIn(adminTab, base, admin, `/users/${ada.id}/posts?includeDeleted=true`);
    await viewState(adminTab, 'success');
    const row = adminTab.locator('tr', { hasText: 'Short lived' });
    await row.getByRole('button', { name: 'Restore' }).click();
    await adminTab.locator('.toast', { hasText: 'Restored.' }).waitFor();
    await adminTab.goto(`${base}/posts/${postId}`);
    await viewState(adminTab, 'success');
    await adminTab.context().close();
  });

  test('5xx: an error view whose Retry retries', async () => {
    const tab = await page();
    await signIn(tab, base, ada, '/');
    let failing = true;
    await tab.route(usersList, (route) =>
      failing
        ? route.fulfill({
            status: 500,
            contentType: 'application/json',
            body: envelope('INTERNAL_ERROR', 'Something broke'),
          })
        : route.continue(),
    );
    await tab.goto(`${base}/users`);
    await viewState(tab, 'serverError');
    assert.equal(await tab.evaluate(() => document.activeElement?.getAttribute('role')), 'alert');
    await shot(tab, 'serverError');
    await assertAccessible(tab);
    failing = false;
    await tab.getByRole('button', { name: 'Retry' }).click();
    await viewState(tab, 'success');
    await tab.context().close();
  });

  test('429 and 503: the Retry-After wait is shown', async () => {
    const tab = await page();
    await signIn(tab, base, ada, '/');
    await tab.route(usersList, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        headers: { 'Retry-After': '40' },
        body: envelope('SERVICE_UNAVAILABLE', 'Down for maintenance'),
      }),
    );
    await tab.goto(`${base}/users`);
    await viewState(tab, 'serverError');
    assert.match(await tab.locator('.wait').innerText(), /retry in (40|39|38) s/);
    assert.equal(await tab.getByRole('button', { name: 'Retry' }).isDisabled(), true);
    await tab.context().close();
  });

  test('offline: the last data with a banner, writes disabled, back online reloads', async () => {
    const tab = await page();
    await signIn(tab, base, ada, '/users?search=Ada');
    await viewState(tab, 'success');
    await tab.getByRole('link', { name: 'Ada Lovelace' }).click();
    await viewState(tab, 'success');
    await tab.context().setOffline(true);
    await viewState(tab, 'offline');
    assert.equal(await tab.getByRole('button', { name: 'Delete' }).isDisabled(), true);
    await tab.goBack();
    await viewState(tab, 'offline');
    assert.match(await tab.locator('.banner').first().innerText(), /offline/i);
    assert.match(await tab.locator('main .banner').innerText(), /stale/);
    assert.ok((await tab.locator('tbody tr').count()) > 0);
    await shot(tab, 'offline');
    await assertAccessible(tab);
    await tab.context().setOffline(false);
    await viewState(tab, 'success');
    await tab.context().close();
  });

  test('sign-up creates the account and signs in; logout signs out', async () => {
    const tab = await page();
    await tab.goto(`${base}/signup`);
    await viewState(tab, 'success');
    await assertAccessible(tab);
    await tab.getByLabel('Email').fill('new-person@example.com');
    await tab.getByLabel('Password').fill('short');
    await tab.getByLabel('Display name').fill('New Person');
    await tab.getByRole('button', { name: 'Sign up' }).click();
    await viewState(tab, 'validation');
    await tab.getByLabel('Password').fill('a long enough password');
    await tab.getByRole('button', { name: 'Sign up' }).click();
    await viewState(tab, 'created');
    await tab.getByRole('button', { name: /Sign out/ }).click();
    await viewState(tab, 'unauthorized');
    assert.equal(await tab.evaluate(() => document.cookie), '');
    await tab.context().close();
  });

  test('a console served from another origin signs in through CORS and cookies', async () => {
    const elsewhere = await serveConsoleElsewhere(base);
    try {
      // The API must list the console's origin: a second app instance on the same database would do; here the
      // running app's allow-list is the one under test, so it is built with that origin.
      const other = await startConsole({ CORS_ORIGINS: elsewhere.url });
      try {
        elsewhere.setApi(other.url);
        const user = await makeUser(other.testApp, { displayName: 'Remote Ruth', email: 'ruth@example.com' });
        const { context, page: tab } = await newPage(other.browser);
        await signIn(tab, elsewhere.url, user, '/users');
        await viewState(tab, 'success');
        assert.match(await tab.locator('tbody').innerText(), /Remote Ruth/);
        await context.close();
      } finally {
        await other.close();
      }
    } finally {
      await elsewhere.close();
    }
  });
});

describe('console: tabs and an expiring access token', { concurrency: false }, () => {
  let setup: ConsoleSetup;
  before(async () => {
    setup = await startConsole({ ACCESS_TOKEN_TTL: '2', LOGIN_RATE_LIMIT: '3' });
  });
  after(async () => {
    await setup?.close();
  });

  test('two tabs whose access token expired refresh once and both stay signed in; logout signs both out', async () => {
    const user = await makeUser(setup.testApp, { displayName: 'Tab Tester', email: 'tabs@example.com' });
    const { context, page: first } = await newPage(setup.browser);
    await signIn(first, setup.url, user, '/users');
    const second = await context.newPage();
    await second.goto(`${setup.url}/users`);
    await viewState(second, 'success');
    await viewState(first, 'success');
    let refreshes = 0;
    context.on('request', (request) => {
      if (request.url().endsWith('/api/auth/refresh')) refreshes += 1;
    });
    await first.waitForTimeout(3000);
    await Promise.all([
      first.getByRole('button', { name: 'Apply' }).click(),
      second.getByRole('button', { name: 'Apply' }).click(),
    ]);
    await Promise.all([viewState(first, 'success'), viewState(second, 'success')]);
    assert.equal(refreshes, 1);
    assert.equal(await state(first), 'success');
    assert.equal(await state(second), 'success');

    await first.getByRole('button', { name: /Sign out/ }).click();
    await viewState(first, 'unauthorized');
    await viewState(second, 'unauthorized');
    assert.equal(new URL(second.url()).pathname, '/login');
    await context.close();
  });

  test('429: too many logins show the Retry-After wait', async () => {
    const user = await makeUser(setup.testApp, { email: 'limited@example.com' });
    const { context, page } = await newPage(setup.browser);
    await page.goto(`${setup.url}/login`);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill('wrong password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.alert').waitFor();
      if ((await state(page)) === 'rateLimited') break;
    }
    await viewState(page, 'rateLimited');
    assert.match(await page.locator('.wait').innerText(), /retry in \d+ s/);
    await shot(page, 'rateLimited');
    assert.deepEqual(await seriousViolations(page), []);
    await context.close();
  });
});
