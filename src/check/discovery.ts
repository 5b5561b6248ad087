import type { OpenApiDocument, Operation } from './openapi-document.ts';

/** Where the protocol's endpoints are on the API under test. */
export interface Endpoints {
  login: string;
  logout: string;
  refresh: string;
  me: string;
  /** POST that creates a user (sign-up). */
  signUp: string;
  /** The path template of one user, `/api/users/{id}`. */
  user: string;
  /** List endpoints to page through (templates), at most a few. */
  lists: Array<{ path: string; operation: Operation | undefined }>;
  /** Where endpoints came from. */
  source: 'openapi' | 'conventions';
}

/** The protocol's conventional paths, used when no OpenAPI document is served. */
export const CONVENTIONAL_PATHS = {
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  refresh: '/api/auth/refresh',
  me: '/api/auth/me',
  signUp: '/api/users',
  user: '/api/users/{id}',
  lists: ['/api/users', '/api/posts', '/api/users/{id}/posts'],
} as const;

const MAX_LISTS = 3;

function byIdOrPath(
  operations: readonly Operation[],
  method: string,
  operationIds: readonly string[],
  pathEnd: RegExp,
): Operation | undefined {
  const candidates = operations.filter((operation) => operation.method === method);
  return (
    candidates.find(
      (operation) => operation.operationId !== undefined && operationIds.includes(operation.operationId),
    ) ?? candidates.find((operation) => pathEnd.test(operation.path))
  );
}

/** Reads the endpoints from the OpenAPI document, falling back to the conventions for each one missing. */
export function discoverEndpoints(document: OpenApiDocument | undefined): Endpoints {
  if (!document) {
    return {
      ...CONVENTIONAL_PATHS,
      lists: CONVENTIONAL_PATHS.lists.map((path) => ({ path, operation: undefined })),
      source: 'conventions',
    };
  }
  const operations = document.operations;
  const usersCreate =
    operations.find(
      (o) => o.method === 'POST' && o.resource?.name === 'users' && o.resource.action === 'create',
    ) ?? byIdOrPath(operations, 'POST', ['createUser', 'signUp', 'signup', 'register'], /\/users$/);
  const userGet =
    operations.find(
      (o) => o.method === 'GET' && o.resource?.name === 'users' && o.resource.action === 'get',
    ) ?? byIdOrPath(operations, 'GET', ['getUser'], /\/users\/\{[^}]+\}$/);
  const lists = operations.filter(
    (o) =>
      o.method === 'GET' &&
      (o.resource?.action === 'list' || (o.query.has('page') && o.query.has('pageSize'))),
  );
  return {
    login: byIdOrPath(operations, 'POST', ['login', 'signIn'], /\/login$/)?.path ?? CONVENTIONAL_PATHS.login,
    logout:
      byIdOrPath(operations, 'POST', ['logout', 'signOut'], /\/logout$/)?.path ?? CONVENTIONAL_PATHS.logout,
    refresh:
      byIdOrPath(operations, 'POST', ['refreshSession', 'refresh'], /\/refresh$/)?.path ??
      CONVENTIONAL_PATHS.refresh,
    me: byIdOrPath(operations, 'GET', ['getCurrentUser', 'me'], /\/me$/)?.path ?? CONVENTIONAL_PATHS.me,
    signUp: usersCreate?.path ?? CONVENTIONAL_PATHS.signUp,
    user: userGet?.path ?? CONVENTIONAL_PATHS.user,
    lists:
      lists.length > 0
        ? lists.slice(0, MAX_LISTS).map((operation) => ({ path: operation.path, operation }))
        : CONVENTIONAL_PATHS.lists.map((path) => ({ path, operation: undefined })),
    source: 'openapi',
  };
}

/**
 * Fills a path template's parameters with the signed-in user's id where the parameter names a user
 * (`/api/users/{id}/posts`); `undefined` when a parameter cannot be filled.
 */
export function fillPath(template: string, userPath: string, userId: string | undefined): string | undefined {
  if (!template.includes('{')) return template;
  if (userId === undefined) return undefined;
  const userPrefix = userPath.slice(0, userPath.indexOf('{'));
  const filled = template.replace(/\{[^}]+\}/, (_match, offset: number) =>
    template.slice(0, offset) === userPrefix ? encodeURIComponent(userId) : '{}',
  );
  return filled.includes('{') ? undefined : filled;
}
