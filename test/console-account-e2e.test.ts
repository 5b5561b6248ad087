import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type ConsoleSetup,
  makeUser,
  newPage,
  seriousViolations,
  signIn,
  startConsole,
  viewState,
} from './console/harness.ts';

describe('console: my sessions and password change', { concurrency: false }, () => {
  let setup: ConsoleSetup;
  before(async () => {
    setup = await startConsole();
  });
  after(async () => {
    await setup?.close();
  });

  test('sessions: each revocable (204, silent), and every other at once', async () => {
    const user = await makeUser(setup.testApp, { email: 'sessions@example.com' });
    const others = [await newPage(setup.browser), await newPage(setup.browser)];
    for (const other of others) await signIn(other.page, setup.url, user, '/');
    const { context, page } = await newPage(setup.browser);
    await signIn(page, setup.url, user, '/account/sessions');
    await viewState(page, 'success');
    assert.deepEqual(await seriousViolations(page), []);
    assert.equal(await page.locator('tbody tr').count(), 3);
    assert.match(await page.locator('tbody').innerText(), /this session/);
    await page.getByRole('button', { name: 'Revoke' }).first().click();
    await viewState(page, 'noContent');
    // The list reloads after the 204: wait for it, since the three old rows are still visible until then.
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2);
    assert.equal(await page.locator('tbody tr').count(), 2);
    await page.getByRole('button', { name: 'Sign out every other session' }).click();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await viewState(page, 'noContent');
    // The other devices are signed out: their next request goes to login.
    await others[0]?.page.goto(`${setup.url}/users`);
    if (others[0]) await viewState(others[0].page, 'unauthorized');
    for (const other of others) await other.context.close();
    await context.close();
  });

  test('password change: a wrong current password is a field error; the right one is a silent 204', async () => {
    const user = await makeUser(setup.testApp, { email: 'password@example.com' });
    const { context, page } = await newPage(setup.browser);
    await signIn(page, setup.url, user, '/account/password');
    await viewState(page, 'success');
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await viewState(page, 'validation');
    await page.getByLabel('Current password').fill(user.password);
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await viewState(page, 'noContent');
    // Still signed in with the rotated cookies.
    await page.goto(`${setup.url}/users`);
    await viewState(page, 'success');
    assert.match(await page.evaluate(() => document.cookie), /^csrf_token=[^;]+$/);
    await context.close();
  });
});
