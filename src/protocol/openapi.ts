import type { HttpMethod, RouteSpec, SuccessStatus } from './contract.ts';
import { successEnvelopeSchema } from './envelope.ts';
import { type ErrorCode, errorCodes } from './errors.ts';
import {
  errorExample,
  errorResponse,
  errorResponseName,
  groupByStatus,
  headersFor,
  routeErrorCodes,
} from './openapi-errors.ts';
import {
  allowHeaderSchema,
  csrfHeaderSchema,
  etagHeaderSchema,
  ifMatchHeaderSchema,
  locationHeaderSchema,
  requestIdHeaderSchema,
  retryAfterSchema,
  setCookieHeaderSchema,
  sharedSchemas,
  toSchema,
  withSharedParts,
} from './openapi-schema.ts';
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiInfo,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
  Reference,
} from './openapi-types.ts';
import { noQuerySchema } from './validation.ts';

export { routeErrorCodes } from './openapi-errors.ts';
export type * from './openapi-types.ts';

/** What the document is generated from. */
export interface OpenApiOptions {
  info: OpenApiInfo;
  /** The routes, each under its name: the operationId, and the name the client calls it by. */
  routes: Readonly<Record<string, RouteSpec>>;
  /** A description for each tag the routes use. */
  tagDescriptions?: Readonly<Record<string, string>>;
}

/** The name of the cookie security scheme. */
export const ACCESS_TOKEN_SCHEME = 'accessTokenCookie';

const WRITE_METHODS: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The response headers a route's success answer of `status` carries, beyond those of every answer. */
function successHeaders(route: RouteSpec, status: SuccessStatus): Record<string, Reference> {
  const headers = headersFor(status);
  if (status !== 204 && route.sets?.includes('ETag')) headers.ETag = { $ref: '#/components/headers/ETag' };
  if (status === 201) headers.Location = { $ref: '#/components/headers/Location' };
  if (route.sets?.includes('Set-Cookie')) headers['Set-Cookie'] = { $ref: '#/components/headers/SetCookie' };
  return headers;
}

const SUCCESS_DESCRIPTIONS: Record<SuccessStatus, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content: the response has no body',
};

/** A read that answers with an ETag also answers `If-None-Match` (304 when the tag is current). */
const conditionalRead = (route: RouteSpec) => route.method === 'GET' && route.sets?.includes('ETag') === true;

/** Converts an Express-style path (`/api/users/:id`) to an OpenAPI template (`/api/users/{id}`). */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? '');
}

function objectProperties(schema: JsonSchema, what: string): [string, JsonSchema, boolean][] {
  if (schema.type !== 'object' || typeof schema.properties !== 'object' || schema.properties === null) {
    throw new Error(`${what} must be an object schema`);
  }
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(schema.properties as Record<string, JsonSchema>).map(([name, property]) => [
    name,
    property,
    required.has(name),
  ]);
}

function parameters(name: string, route: RouteSpec): (OpenApiParameter | Reference)[] {
  const names = pathParameterNames(route.path);
  const list: (OpenApiParameter | Reference)[] = [];
  if (names.length > 0 && !route.params) throw new Error(`${name}: ${route.path} has no params schema`);
  if (route.params) {
    const properties = objectProperties(toSchema(route.params, 'input'), `${name}: params`);
    const declared = properties.map(([property]) => property).sort();
    if (declared.join() !== [...names].sort().join()) {
      throw new Error(`${name}: params (${declared.join(', ')}) do not match the path ${route.path}`);
    }
    for (const [property, schema] of properties)
      list.push({ name: property, in: 'path', required: true, schema });
  }
  if (route.query) {
    for (const [property, schema, required] of objectProperties(
      toSchema(route.query, 'input'),
      `${name}: query`,
    )) {
      list.push({ name: property, in: 'query', required, schema });
    }
  }
  // Writes are CSRF-checked unless the route opens a session and checks Origin only (login).
  if (WRITE_METHODS.has(route.method) && route.csrf !== 'origin') {
    list.push({ $ref: '#/components/parameters/CsrfToken' });
  }
  if (route.ifMatch) {
    list.push({ $ref: '#/components/parameters/IfMatch' });
  }
  if (conditionalRead(route)) {
    list.push({ $ref: '#/components/parameters/IfNoneMatch' });
  }
  list.push({ $ref: '#/components/parameters/RequestId' });
  return list;
}

function successResponses(name: string, route: RouteSpec): Record<string, OpenApiResponse> {
  const responses: Record<string, OpenApiResponse> = {};
  for (const [key, data] of Object.entries(route.responses)) {
    const status = Number(key) as SuccessStatus;
    if (data === undefined) continue;
    responses[key] = { description: SUCCESS_DESCRIPTIONS[status], headers: successHeaders(route, status) };
    if (data !== null) {
      const schema = withSharedParts(toSchema(successEnvelopeSchema(data), 'output'));
      responses[key].content = { 'application/json': { schema } };
    }
  }
  if (Object.keys(responses).length === 0) throw new Error(`${name}: declares no success response`);
  if (conditionalRead(route)) {
    responses['304'] = {
      description: 'Not Modified: the item still has the entity tag If-None-Match named; no body',
      headers: { ...headersFor(304), ETag: { $ref: '#/components/headers/ETag' } },
    };
  }
  return responses;
}

function operation(
  name: string,
  route: RouteSpec,
  errorResponses: Map<string, OpenApiResponse>,
): OpenApiOperation {
  const responses: Record<string, OpenApiResponse | Reference> = successResponses(name, route);
  for (const [status, codes] of groupByStatus(routeErrorCodes(route))) {
    const component = errorResponseName(codes);
    if (!errorResponses.has(component)) errorResponses.set(component, errorResponse(status, codes));
    responses[String(status)] = { $ref: `#/components/responses/${component}` };
  }
  const cookie = { [ACCESS_TOKEN_SCHEME]: [] };
  return {
    operationId: name,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    // Public routes take anonymous callers, and still see a signed-in caller's cookie when sent.
    security: route.access === 'public' ? [{}, cookie] : [cookie],
    parameters: parameters(name, route),
    ...(route.body
      ? {
          requestBody: {
            required: true as const,
            content: { 'application/json': { schema: toSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses,
    // Query parameters are listed one by one, which cannot say that others are refused; the whole
    // query as the server validates it (additionalProperties: false) is published beside them.
    'x-tenet-query': toSchema(route.query ?? noQuerySchema, 'input'),
    ...(route.resource ? { 'x-tenet-resource': { ...route.resource } } : {}),
  };
}

function components(
  errorResponses: Map<string, OpenApiResponse>,
  codes: ReadonlySet<ErrorCode>,
): OpenApiDocument['components'] {
  return {
    schemas: { ...sharedSchemas },
    responses: Object.fromEntries([...errorResponses].sort(([a], [b]) => a.localeCompare(b))),
    examples: Object.fromEntries(
      errorCodes.filter((code) => codes.has(code)).map((code) => [code, errorExample(code)]),
    ),
    parameters: {
      CsrfToken: {
        name: 'X-CSRF-Token',
        in: 'header',
        required: false,
        description:
          'The value of the csrf_token cookie (signed double submit). Required on a write that carries an ' +
          'auth cookie; a write without one is checked by Origin instead. A mismatch is 403 FORBIDDEN.',
        schema: toSchema(csrfHeaderSchema, 'input'),
      },
      IfMatch: {
        name: 'If-Match',
        in: 'header',
        required: false,
        description:
          'An ETag from an earlier answer: the write happens only if the item still has it, otherwise ' +
          '409 CONFLICT. `*` matches any current item. Without it the write is unconditional.',
        schema: toSchema(ifMatchHeaderSchema, 'input'),
      },
      IfNoneMatch: {
        name: 'If-None-Match',
        in: 'header',
        required: false,
        description:
          'ETags of a copy the client holds: when one is the current version (compared weakly, or `*` ' +
          'for any), the answer is 304 Not Modified with no body, and the copy can be used as it is.',
        schema: toSchema(ifMatchHeaderSchema, 'input'),
      },
      RequestId: {
        name: 'X-Request-Id',
        in: 'header',
        required: false,
        description:
          'A request id to trace the call by; echoed when well-formed, otherwise replaced by a UUID.',
        schema: toSchema(requestIdHeaderSchema, 'input'),
      },
    },
    headers: {
      RequestId: {
        description: 'The request id, also in meta.requestId.',
        required: true,
        schema: toSchema(requestIdHeaderSchema, 'output'),
      },
      RetryAfter: {
        description: 'Seconds to wait before trying again.',
        required: true,
        schema: toSchema(retryAfterSchema, 'output'),
      },
      ETag: {
        description:
          "The item's version (a strong entity tag); send it back in If-Match to make a write " +
          'conditional, or in If-None-Match to have a read answer 304 while it has not changed.',
        required: true,
        schema: toSchema(etagHeaderSchema, 'output'),
      },
      Location: {
        description: 'The path of the created item.',
        required: true,
        schema: toSchema(locationHeaderSchema, 'output'),
      },
      SetCookie: {
        description:
          'The session cookies (access_token, refresh_token, csrf_token), one header per cookie: set when a ' +
          'session opens or is renewed, cleared (expired) when it closes. Revoking a session sends them only ' +
          'when it is the current one.',
        required: false,
        schema: toSchema(setCookieHeaderSchema, 'output'),
      },
      Allow: {
        description: 'The methods the path does support (RFC 9110).',
        required: true,
        schema: toSchema(allowHeaderSchema, 'output'),
      },
    },
    securitySchemes: {
      [ACCESS_TOKEN_SCHEME]: {
        type: 'apiKey',
        in: 'cookie',
        name: 'access_token',
        description:
          'The access token, a short-lived JWT (HS256, pinned; RFC8725 practices) set by POST /api/auth/login ' +
          'in an HttpOnly, Secure, SameSite=Strict cookie. Renewed by POST /api/auth/refresh.',
      },
    },
  };
}

/** Generates the OpenAPI 3.1 document of a set of routes. Pure: the same routes give the same document. */
export function createOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const tags: string[] = [];
  const errorResponses = new Map<string, OpenApiResponse>();
  const codes = new Set<ErrorCode>();
  for (const [name, route] of Object.entries(options.routes)) {
    const template = toOpenApiPath(route.path);
    const item = paths[template] ?? {};
    const method = route.method.toLowerCase() as Lowercase<HttpMethod>;
    if (item[method]) throw new Error(`${name}: ${route.method} ${route.path} is declared twice`);
    item[method] = operation(name, route, errorResponses);
    paths[template] = item;
    for (const tag of route.tags) if (!tags.includes(tag)) tags.push(tag);
    for (const code of routeErrorCodes(route)) codes.add(code);
  }
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: options.info,
    servers: [
      {
        url: '/',
        description: 'The server that serves this document (local, staging or production alike)',
        'x-internal': false,
      },
    ],
    tags: tags.map((name) => {
      const description = options.tagDescriptions?.[name];
      return description ? { name, description } : { name };
    }),
    paths,
    components: components(errorResponses, codes),
  };
  // A header no response uses (Allow, until a route declares a 405) is left out, not published unused.
  const used = JSON.stringify(paths) + JSON.stringify(document.components.responses);
  document.components.headers = Object.fromEntries(
    Object.entries(document.components.headers).filter(([name]) =>
      used.includes(`"#/components/headers/${name}"`),
    ),
  );
  return document;
}

/** Returns what a local `$ref` of the document points at (`#/components/...`), or the value itself. */
export function resolveReference<T>(document: OpenApiDocument, value: T | Reference): T {
  if (typeof value !== 'object' || value === null || !('$ref' in value)) return value;
  let target: unknown = document;
  for (const segment of value.$ref.replace(/^#\//, '').split('/')) {
    const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
    target = (target as Record<string, unknown> | undefined)?.[key];
  }
  if (target === undefined) throw new Error(`Unresolved reference ${value.$ref}`);
  return target as T;
}
