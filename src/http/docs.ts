import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../protocol/errors.ts';
import type { OpenApiDocument } from '../protocol/openapi.ts';

/** Where the raw OpenAPI document is served. */
const OPENAPI_PATH = '/api/openapi.json';

/** Where the interactive API reference is served. */
const DOCS_PATH = '/docs';

const swaggerUiDirectory = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The page's assets: Swagger UI from node_modules and our init script, never a CDN. */
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  'swagger-ui.css': { file: join(swaggerUiDirectory, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': {
    file: join(swaggerUiDirectory, 'swagger-ui-bundle.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'favicon-32x32.png': { file: join(swaggerUiDirectory, 'favicon-32x32.png'), type: 'image/png' },
  'docs-init.js': { file: join(import.meta.dirname, 'docs-init.js'), type: 'text/javascript; charset=utf-8' },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} reference</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/docs-init.js"></script>
</body>
</html>
`;
}

const assetCache = new Map<string, Promise<Buffer>>();

function readAsset(file: string): Promise<Buffer> {
  let content = assetCache.get(file);
  if (!content) {
    content = readFile(file);
    // A failed read is not cached, so a later request can succeed.
    content.catch(() => assetCache.delete(file));
    assetCache.set(file, content);
  }
  return content;
}

function methodNotAllowed(app: FastifyInstance, url: string): void {
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url,
    handler: async () => {
      // RFC 9110: a 405 says which methods the resource supports, like the contract's routes.
      throw new AppError('METHOD_NOT_ALLOWED', { headers: { Allow: 'GET, HEAD' } });
    },
  });
}

function cacheStatic(reply: FastifyReply): FastifyReply {
  // Not per-user: the page and its assets may be cached, unlike API answers.
  return reply.header('Cache-Control', 'public, max-age=3600');
}

/**
 * Registers `GET /api/openapi.json` (the raw document, not enveloped: tools read it as it is) and
 * the interactive reference under `/docs`, whose every asset is served from node_modules, so the
 * page works offline under the app's strict CSP (`script-src 'self'`, no inline script).
 */
export function registerDocs(app: FastifyInstance, document: OpenApiDocument): void {
  const json = JSON.stringify(document);
  const html = page(document.info.title);
  app.get(OPENAPI_PATH, async (_request, reply) => reply.type('application/json; charset=utf-8').send(json));
  methodNotAllowed(app, OPENAPI_PATH);

  for (const url of [DOCS_PATH, `${DOCS_PATH}/`]) {
    app.get(url, async (_request, reply) => cacheStatic(reply).type('text/html; charset=utf-8').send(html));
    methodNotAllowed(app, url);
  }
  for (const [name, asset] of Object.entries(ASSETS)) {
    const url = `${DOCS_PATH}/${name}`;
    app.get(url, async (_request, reply) =>
      cacheStatic(reply)
        .type(asset.type)
        .send(await readAsset(asset.file)),
    );
    methodNotAllowed(app, url);
  }
}
