import type { FastifyInstance } from 'fastify';

const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// A date with a time of day: anything written like a timestamp must be written the one way.
const LOOKS_LIKE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}/;
const TIMESTAMP_KEY = /(?:At|^timestamp)$/;
const SECRET_KEY = /passw|hash|secret/i;

function check(value: unknown, path: string, key: string | undefined, found: string[]): void {
  if (typeof value === 'string') {
    if ((key !== undefined && TIMESTAMP_KEY.test(key)) || LOOKS_LIKE_TIMESTAMP.test(value)) {
      if (!ISO_UTC_MS.test(value))
        found.push(`${path}: timestamp ${JSON.stringify(value)} is not ISO 8601 UTC with ms`);
    }
    return;
  }
  if (key !== undefined && TIMESTAMP_KEY.test(key) && value !== null) {
    found.push(`${path}: timestamp is a ${typeof value}, not an ISO 8601 string`);
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      check(item, `${path}[${index}]`, undefined, found);
    });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [name, item] of Object.entries(value)) {
    const at = `${path}.${name}`;
    if (name.includes('_')) found.push(`${at}: snake_case key`);
    if (SECRET_KEY.test(name)) found.push(`${at}: key names a password, hash or secret`);
    // error.details is keyed by the fields the client sent (`password` on a short password), and
    // holds messages: it echoes the request, it is not a representation.
    if (path === '$.error' && name === 'details') continue;
    check(item, at, name, found);
  }
}

/**
 * Lists what breaks the representation rules in one response body: snake_case keys, keys naming a
 * password, hash or secret, timestamps not ISO 8601 UTC with milliseconds. Only envelopes are
 * checked; raw documents (the OpenAPI JSON, the docs page) describe the API rather than answer it.
 */
export function representationViolations(body: unknown): string[] {
  if (
    body === null ||
    typeof body !== 'object' ||
    typeof (body as { success?: unknown }).success !== 'boolean'
  ) {
    return [];
  }
  const found: string[] = [];
  check(body, '$', undefined, found);
  return found;
}

/** Audits every response an app sends; `assertClean()` throws listing each violation. */
export function auditResponses(app: FastifyInstance): { violations: string[]; assertClean(): void } {
  const violations: string[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (typeof payload === 'string' && type.includes('json')) {
      let body: unknown;
      try {
        body = JSON.parse(payload);
      } catch {
        violations.push(`${request.method} ${request.url}: a JSON content type with a body that is not JSON`);
      }
      for (const violation of representationViolations(body)) {
        violations.push(`${request.method} ${request.url} ${reply.statusCode} ${violation}`);
      }
    }
    return payload;
  });
  return {
    violations,
    assertClean() {
      if (violations.length > 0) {
        throw new Error(`Responses broke the representation rules:\n  ${violations.join('\n  ')}`);
      }
    },
  };
}
