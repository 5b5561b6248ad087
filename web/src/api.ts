import { type AnyResult, createClient, type OperationLocation } from '../../src/client/index.ts';

/** The API's origin: empty when the console is served by the API itself, else the page's `tenet-api` meta. */
export const apiBase: string =
  document.querySelector<HTMLMetaElement>('meta[name="tenet-api"]')?.content ?? '';

/** The one HTTP layer of the console: the project's typed client. */
export const client = createClient({ baseUrl: apiBase });

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
  return client.request(operation, options);
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
