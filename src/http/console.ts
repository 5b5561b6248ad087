import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:web` writes the console. */
export const CONSOLE_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist');

/**
 * The console's pages allow only their own files: unlike the API's default (security-headers.ts), no
 * `'unsafe-inline'` for styles either, since the console ships external CSS only (an injected style cannot run).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tenet console</title></head>
<body><main><h1>The console is not built</h1><p>Run <code>npm run build:web</code>, then reload.</p></main></body></html>
`;

/** Whether a request URL is the API's (`/api`, `/api/…`, `/api?…`). */
export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/**
 * Serves the web console (web/dist) at `/`: hashed assets under `/assets/` cached for a year,
 * and `index.html`, never stored, at `/` and for every other browser navigation (Accept:
 * text/html) outside `/api` (the SPA's own URLs), so a deep link or a reload opens the right view.
 * An unknown `/api` path, or any request not asking for HTML, stays the JSON 404.
 */
export async function registerConsole(app: FastifyInstance, dist: string = CONSOLE_DIST): Promise<void> {
  const indexFile = join(dist, 'index.html');
  const built = existsSync(indexFile);
  if (built && existsSync(join(dist, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(dist, 'assets'),
      prefix: '/assets/',
      wildcard: false,
      index: false,
      // The file names carry a content hash: a new build is a new URL, so the old one never changes.
      maxAge: '365d',
      immutable: true,
    });
  }
  let page: Promise<string> | null = null;
  const readPage = (): Promise<string> => {
    if (!built) return Promise.resolve(NOT_BUILT);
    page ??= readFile(indexFile, 'utf8');
    page.catch(() => {
      page = null;
    });
    return page;
  };
  const sendPage = async (reply: FastifyReply) =>
    reply
      // The page names the current hashed assets: always fetched anew so a deploy is seen at once.
      .header('Cache-Control', 'no-store')
      .header('Content-Security-Policy', CONSOLE_CSP)
      .status(built ? 200 : 503)
      .type('text/html; charset=utf-8')
      .send(await readPage());

  app.get('/', async (_request, reply) => sendPage(reply));
  app.get('/*', async (request, reply) => {
    // Only a browser navigation (it asks for HTML) gets the page; API clients keep the JSON 404.
    const wantsPage = (request.headers.accept ?? '').includes('text/html');
    if (!wantsPage || isApiPath(request.url) || request.url.startsWith('/assets/'))
      return reply.callNotFound();
    return sendPage(reply);
  });
}
