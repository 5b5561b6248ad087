import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { pathMatcher, type RouteSpec } from '../protocol/contract.ts';
import { createMeta, type Meta, successEnvelope } from '../protocol/envelope.ts';
import { AppError } from '../protocol/errors.ts';
import { ifNoneMatchHits } from '../protocol/etag.ts';
import type {
  Caller,
  HandlerResult,
  RequestContext,
  RequestFacts,
  RouteImplementation,
} from '../protocol/handler.ts';
import {
  findUnstorableStrings,
  type InputPart,
  noQuerySchema,
  validationError,
} from '../protocol/validation.ts';
import { sendError } from './errors.ts';
import { compileEnvelopeSerializer, type EnvelopeSerializer } from './response-serializer.ts';

/**
 * Decides who is calling a route, before its handler runs: returns the caller, `null` for an
 * anonymous call the route allows, or throws an `AppError` (401, 403).
 */
export type Authenticate = (route: RouteSpec, facts: RequestFacts) => Promise<Caller | null>;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// The guard reads these on writes, so an answer may differ by them.
const WRITE_VARY = 'Cookie, Origin, Sec-Fetch-Site, X-CSRF-Token';

/** Refuses every route that is not public; the default until authentication is configured. */
export const publicOnly: Authenticate = async (route) => {
  if (route.access !== 'public') throw new AppError('UNAUTHORIZED');
  return null;
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parsePart(part: InputPart, declared: z.ZodType | undefined, value: unknown): unknown {
  // A route without a query takes none: an unknown parameter is refused as on a route that has one.
  const schema = declared ?? (part === 'query' ? noQuerySchema : undefined);
  if (schema === undefined) return {};
  // NUL would be a 500 from Postgres, a lone surrogate stored as U+FFFD: both refused here.
  const unstorable = findUnstorableStrings(value);
  if (unstorable !== undefined) {
    throw new AppError(part === 'params' ? 'INVALID_INPUT' : 'VALIDATION_ERROR', { details: unstorable });
  }
  if (part === 'body' && !isPlainObject(value)) {
    throw new AppError('INVALID_INPUT', { message: 'Request body must be a JSON object' });
  }
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw validationError(result.error.issues, value, part);
  return result.data;
}

/**
 * Refuses a query string that is not percent-encoded UTF-8 (a truncated or overlong sequence, a bare
 * `%`): the parser would pass it on as literal text, and a search would look for what was never sent.
 */
function checkQueryEncoding(url: string): void {
  const start = url.indexOf('?');
  if (start === -1 || !url.includes('%', start)) return;
  try {
    decodeURIComponent(url.slice(start + 1));
  } catch {
    throw new AppError('INVALID_INPUT', { message: 'The query string is not valid percent-encoded UTF-8' });
  }
}

/** How a route's answers are written: one serializer per declared status, compiled on first use. */
class RouteResponses {
  readonly #route: RouteSpec;
  readonly #check: boolean;
  readonly #serializers = new Map<number, EnvelopeSerializer>();

  constructor(route: RouteSpec, check: boolean) {
    this.#route = route;
    this.#check = check;
  }

  send(request: FastifyRequest, reply: FastifyReply, result: HandlerResult<RouteSpec>): FastifyReply {
    const route = this.#route;
    const schema = route.responses[result.status];
    if (schema === undefined) {
      throw new Error(`${route.method} ${route.path} answered ${result.status}, which it does not declare`);
    }
    for (const cookie of result.cookies ?? []) reply.setCookie(cookie.name, cookie.value, cookie.options);
    if (result.headers) reply.headers(result.headers);
    const tag = result.headers?.ETag;
    if (
      tag !== undefined &&
      result.status === 200 &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      ifNoneMatchHits(request.headers['if-none-match'], tag)
    ) {
      // The client's copy is the current one (RFC 9110 conditional GET): the same headers, no body.
      return reply.status(304).send();
    }
    reply.status(result.status);
    if (schema === null) return reply.send();
    let serialize = this.#serializers.get(result.status);
    if (serialize === undefined) {
      serialize = compileEnvelopeSerializer(schema);
      this.#serializers.set(result.status, serialize);
    }
    const meta = createMeta(request.id);
    // Checked first, so a breach is reported in the contract's words rather than the serializer's.
    const expected = this.#check ? this.#contractBody(schema, result.data, meta) : undefined;
    // The serializer writes only declared fields, so a field added to a record never leaks.
    const body = serialize(successEnvelope(result.data, meta));
    if (expected !== undefined && body !== expected) {
      throw new Error(
        `${route.method} ${route.path}: the serializer wrote ${body}, the contract gives ${expected}`,
      );
    }
    return reply.type(JSON_TYPE).send(body);
  }

  /** Outside production: the body Zod's output gives; data that breaks the schema throws (a 500). */
  #contractBody(schema: z.ZodType, data: unknown, meta: Meta): string {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const { method, path } = this.#route;
      throw new Error(`${method} ${path} answered data that breaks its contract: ${parsed.error.message}`);
    }
    return JSON.stringify(successEnvelope(parsed.data, meta));
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Registers implemented routes on the app, and answers 404/405 for everything else. */
export function registerRoutes(
  app: FastifyInstance,
  implementations: readonly RouteImplementation[],
  authenticate: Authenticate = publicOnly,
  publicOrigins: readonly string[] = [],
  /** Check every answer against its Zod schema (a breach is a 500); off in production, where it costs. */
  checkResponses = true,
): void {
  const ownOrigins = new Set(publicOrigins);
  const firstOrigin = publicOrigins[0] ?? '';
  // The server's origin comes from PUBLIC_URL, never from Host: a DNS-rebinding page sets both
  // Host and Origin to its own name. With several public origins, the one the browser named.
  const serverOrigin = (origin: string | undefined) =>
    origin !== undefined && ownOrigins.has(origin) ? origin : firstOrigin;
  for (const { route, handler } of implementations) {
    const responses = new RouteResponses(route, checkResponses);
    app.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        if (WRITE_METHODS.has(route.method)) reply.header('Vary', WRITE_VARY);
        // Fastify works the client IP out of TRUST_PROXY on each read of request.ip: once here.
        const { ip } = request;
        const caller = await authenticate(route, {
          method: request.method,
          cookies: request.cookies ?? {},
          headers: request.headers,
          serverOrigin: serverOrigin(request.headers.origin),
          ip,
        });
        checkQueryEncoding(request.url);
        const input = {
          params: parsePart('params', route.params, request.params),
          query: parsePart('query', route.query, request.query),
          body: parsePart('body', route.body, request.body),
        };
        const context: RequestContext = {
          requestId: request.id,
          ip,
          userAgent: request.headers['user-agent'],
          caller,
          cookies: request.cookies ?? {},
          headers: request.headers,
        };
        const result = await handler(input as never, context);
        return responses.send(request, reply, result);
      },
    });
  }

  const matchers = implementations.map(({ route }) => ({
    method: route.method,
    matcher: pathMatcher(route.path),
  }));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const allowed = new Set<string>();
    for (const { method, matcher } of matchers) {
      if (!matcher.test(path)) continue;
      allowed.add(method);
      if (method === 'GET') allowed.add('HEAD');
    }
    if (allowed.size === 0) {
      return sendError(request, reply, new AppError('NOT_FOUND', { message: 'No such route' }));
    }
    // A route owns this path and method, yet the router refused it: a path parameter over its
    // length limit that a catch-all (the console's page) caught before Fastify could say so.
    if (allowed.has(request.method)) {
      return sendError(
        request,
        reply,
        new AppError('INVALID_INPUT', { message: 'A path parameter is too long' }),
      );
    }
    // RFC 9110: a 405 must say which methods the resource does support.
    return sendError(
      request,
      reply,
      new AppError('METHOD_NOT_ALLOWED', { headers: { Allow: [...allowed].sort().join(', ') } }),
    );
  });
}
