import type { RouteSpec } from '../protocol/contract.ts';
import type * as contract from '../protocol/routes/index.ts';

type Contract = typeof contract;

/** The name of every route of the contract: the export that declares it in `protocol/routes/index.ts`. */
export type RouteName = {
  [K in keyof Contract]: Contract[K] extends RouteSpec ? K : never;
}[keyof Contract];

/** The declaration of a named route, as a type. */
export type RouteOf<N extends RouteName> = Contract[N];

/** Where a route lives: the only part of the contract the client needs at run time. */
export interface RouteLocation {
  readonly method: RouteSpec['method'];
  readonly path: string;
}

/**
 * Method and path of every route, as plain data: the contract's route objects import Zod, which the
 * browser client must not. The type below makes `tsc` refuse a missing, extra or different entry,
 * and `routes.test.ts` checks it against the contract at run time.
 */
export const routeManifest = {
  getHealth: { method: 'GET', path: '/api/health' },
  login: { method: 'POST', path: '/api/auth/login' },
  logout: { method: 'POST', path: '/api/auth/logout' },
  refreshSession: { method: 'POST', path: '/api/auth/refresh' },
  getCurrentUser: { method: 'GET', path: '/api/auth/me' },
  changePassword: { method: 'POST', path: '/api/auth/password' },
  listSessions: { method: 'GET', path: '/api/auth/sessions' },
  revokeSession: { method: 'DELETE', path: '/api/auth/sessions/:id' },
  revokeOtherSessions: { method: 'POST', path: '/api/auth/sessions/revoke-others' },
  createUser: { method: 'POST', path: '/api/users' },
  listUsers: { method: 'GET', path: '/api/users' },
  getUser: { method: 'GET', path: '/api/users/:id' },
  updateUser: { method: 'PATCH', path: '/api/users/:id' },
  replaceUser: { method: 'PUT', path: '/api/users/:id' },
  deleteUser: { method: 'DELETE', path: '/api/users/:id' },
  restoreUser: { method: 'POST', path: '/api/users/:id/restore' },
  activateUser: { method: 'POST', path: '/api/users/:id/activate' },
  deactivateUser: { method: 'POST', path: '/api/users/:id/deactivate' },
  setUserRole: { method: 'PUT', path: '/api/users/:id/role' },
  listUserPosts: { method: 'GET', path: '/api/users/:id/posts' },
  createPost: { method: 'POST', path: '/api/users/:id/posts' },
  getPost: { method: 'GET', path: '/api/posts/:id' },
  updatePost: { method: 'PATCH', path: '/api/posts/:id' },
  replacePost: { method: 'PUT', path: '/api/posts/:id' },
  deletePost: { method: 'DELETE', path: '/api/posts/:id' },
  restorePost: { method: 'POST', path: '/api/posts/:id/restore' },
} as const satisfies {
  readonly [N in RouteName]: { readonly method: RouteOf<N>['method']; readonly path: RouteOf<N>['path'] };
};
