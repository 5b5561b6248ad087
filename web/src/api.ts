import {
  type AnyResult,
  createClient,
  manifestFromOpenApi,
  type OpenApiPaths,
  type TenetClient,
} from '../../src/client/index.ts';

/** Where an operation lives, and its name in the OpenAPI document (the contract's route name). */
export interface OperationLocation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
}

/** The API's origin: empty when the console is served by the API itself, else the page's `tenet-api` meta. */
export const apiBase: string =
  document.querySelector<HTMLMetaElement>('meta[name="tenet-api"]')?.content ?? '';

/** The one HTTP layer of the console: the project's client, made from the OpenAPI document. */
export let client: TenetClient<never> = createClient({ baseUrl: apiBase, routes: {} as never });
let known = new Set<string>();

/** Makes the client for the operations the API's OpenAPI document declares. */
export function initClient(document: OpenApiPaths): void {
  client.close();
  const routes = manifestFromOpenApi(document);
  known = new Set(Object.keys(routes));
  client = createClient({ baseUrl: apiBase, routes: routes as never });
}

/** The auth operations the console calls (they are also in the OpenAPI document). */
export const authOperations = {
  login: { method: 'POST', path: '/api/auth/login', operationId: 'login' },
  logout: { method: 'POST', path: '/api/auth/logout', operationId: 'logout' },
  me: { method: 'GET', path: '/api/auth/me', operationId: 'getCurrentUser' },
  changePassword: { method: 'POST', path: '/api/auth/password', operationId: 'changePassword' },
  listSessions: { method: 'GET', path: '/api/auth/sessions', operationId: 'listSessions' },
  revokeSession: { method: 'DELETE', path: '/api/auth/sessions/:id', operationId: 'revokeSession' },
  revokeOtherSessions: {
    method: 'POST',
    path: '/api/auth/sessions/revoke-others',
    operationId: 'revokeOtherSessions',
  },
} as const satisfies Record<string, OperationLocation>;

/** Calls an operation; a thin name for `client.request`. */
export function call(
  operation: OperationLocation,
  options: {
    params?: Record<string, unknown>;
    query?: Record<string, unknown>;
    body?: unknown;
    signal?: AbortSignal;
  } = {},
): Promise<AnyResult> {
  if (!known.has(operation.operationId)) {
    // The server does not declare this operation (yet): the not-found row, not a crash.
    return Promise.resolve({
      kind: 'notFound',
      status: 404,
      code: null,
      message: `The API has no ${operation.operationId} operation`,
      details: {},
      requestId: null,
    });
  }
  const call = client.call as unknown as (name: string, options: object) => Promise<AnyResult>;
  return call(operation.operationId, options);
}

/** Tabs tell one another about sign-in and sign-out on this channel. */
const sessionChannel: BroadcastChannel | null =
  typeof BroadcastChannel === 'function' ? new BroadcastChannel('tenet-console-session') : null;

/** Tells the other tabs the session ended here. */
export function announceSignOut(): void {
  sessionChannel?.postMessage({ type: 'signedOut' });
}

/** Tells the other tabs a user signed in here. */
export function announceSignIn(): void {
  sessionChannel?.postMessage({ type: 'signedIn' });
}

/** Runs `listener` when another tab signs in or out. */
export function onSessionMessage(listener: (type: 'signedIn' | 'signedOut') => void): () => void {
  if (!sessionChannel) return () => {};
  const handler = (event: MessageEvent) => {
    const type = (event.data as { type?: unknown } | null)?.type;
    if (type === 'signedIn' || type === 'signedOut') listener(type);
  };
  sessionChannel.addEventListener('message', handler);
  return () => sessionChannel.removeEventListener('message', handler);
}
