import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { insertAccount } from '../../src/auth/account-repository.ts';
import { hashPassword } from '../../src/auth/passwords.ts';
import { CONSOLE_DIST } from '../../src/http/console.ts';
import { freePort } from '../cli-process.ts';
import { buildTestApp, type TestApp } from '../helpers.ts';

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet, reproducible Chromium that talks to nothing but the test servers. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Fails loudly when Chromium is missing: a console test that does not run must not look green. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The console's end-to-end tests need Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (.ci/run does).`,
    );
  }
}

/** Builds web/dist when it is missing or older than a source file of web/. */
export function ensureConsoleBuilt(): void {
  const index = join(CONSOLE_DIST, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const root = join(import.meta.dirname, '..', '..');
  const newest = execFileSync(
    'find',
    [join(root, 'web', 'src'), join(root, 'web', 'index.html'), join(root, 'src', 'client'), '-newer', index],
    {
      encoding: 'utf8',
    },
  ).trim();
  if (built === 0 || newest !== '') {
    execFileSync('npm', ['run', 'build:web'], { cwd: root, stdio: 'inherit' });
  }
}

/** The app listening on a random port of 127.0.0.1, and a browser. */
export interface ConsoleSetup {
  testApp: TestApp;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts the app (PGlite, or PostgreSQL when DATABASE_URL is set) and Chromium with a fresh profile. */
export async function startConsole(environment: Record<string, string> = {}): Promise<ConsoleSetup> {
  requireChromium();
  ensureConsoleBuilt();
  // The Origin check trusts PUBLIC_URL, never Host: the app must know the origin the browser uses,
  // so the port is chosen first and named in PUBLIC_URL, as a deployment does.
  let testApp: TestApp | undefined;
  let url = '';
  for (let attempt = 0; testApp === undefined; attempt += 1) {
    const port = await freePort();
    const candidate = await buildTestApp({
      environment: { COOKIE_SECURE: 'false', PUBLIC_URL: `http://127.0.0.1:${port}`, ...environment },
    });
    try {
      url = await candidate.app.listen({ port, host: '127.0.0.1' });
      testApp = candidate;
    } catch (error) {
      await candidate.close();
      // Another process took the port between the probe and the listen: try another one.
      if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt >= 4) throw error;
    }
  }
  // launch() gives Chromium a fresh temporary profile (user-data-dir) of its own, removed on close.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  return {
    testApp,
    url,
    browser,
    async close() {
      await browser.close();
      await testApp.close();
    },
  };
}

// Hashing is slow on purpose; users of a test share one hash per password.
const hashes = new Map<string, Promise<string>>();

/** A user made straight in the database. */
export async function makeUser(
  testApp: TestApp,
  options: { role?: 'user' | 'admin'; email?: string; displayName?: string; password?: string } = {},
): Promise<{ id: string; email: string; password: string }> {
  const password = options.password ?? 'correct horse battery';
  const email = options.email ?? `user-${Math.random().toString(16).slice(2, 10)}@example.com`;
  let hash = hashes.get(password);
  if (!hash) {
    hash = hashPassword(password);
    hashes.set(password, hash);
  }
  const user = await insertAccount(testApp.database.db, {
    email,
    passwordHash: await hash,
    displayName: options.displayName ?? 'Test User',
    role: options.role ?? 'user',
  });
  return { id: user.id, email, password };
}

/** Signs in through the console's login page, as a person would. */
export async function signIn(
  page: Page,
  base: string,
  user: { email: string; password: string },
  next = '/',
): Promise<void> {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname + url.search === next);
}

/** Waits until the view's root shows a row of the state matrix, and returns it. */
export async function viewState(page: Page, state: string, timeout = 30_000): Promise<void> {
  await page.locator(`main[data-state="${state}"]`).waitFor({ timeout });
}

const axeSource = readFileSync(
  join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'),
  'utf8',
);

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Injected through the DevTools protocol's evaluate, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.targets.join(', ')}`);
}

/** A tiny static server for web/dist on another port: the console served from another origin. */
export async function serveConsoleElsewhere(
  apiOrigin: string,
): Promise<{ url: string; setApi(origin: string): void; close(): Promise<void> }> {
  const types: Record<string, string> = {
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.html': 'text/html',
  };
  const template = readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
  const pageFor = (origin: string) =>
    template.replace('<meta name="tenet-api" content="" />', `<meta name="tenet-api" content="${origin}" />`);
  let index = pageFor(apiOrigin);
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = join(CONSOLE_DIST, path);
    if (path.startsWith('/assets/') && !path.includes('..') && existsSync(file)) {
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      response.end(readFileSync(file));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(index);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setApi(origin: string) {
      index = pageFor(origin);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A new context (a fresh cookie jar) and a page in it. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  return { context, page };
}

/** Where `npm run screenshots` wants one PNG per state; unset in a normal test run. */
const screenshotDirectory = process.env.TENET_SCREENSHOTS;

/** Saves a screenshot of the page as `<name>.png` when screenshots were asked for. */
export async function shot(page: Page, name: string): Promise<void> {
  if (!screenshotDirectory) return;
  await page.screenshot({ path: join(screenshotDirectory, `${name}.png`), fullPage: false });
}
