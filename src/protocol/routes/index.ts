import type { RouteSpec } from '../contract.ts';
import * as auth from './auth.ts';
import * as health from './health.ts';
import * as posts from './posts.ts';
import * as users from './users.ts';

export * from './auth.ts';
export * from './health.ts';
export * from './posts.ts';
export * from './users.ts';

/** Every route of the API; each is also exported by its name, which is its operationId. */
export const routes: readonly RouteSpec[] = [
  health.getHealth,
  auth.login,
  auth.logout,
  auth.refreshSession,
  auth.getCurrentUser,
  auth.changePassword,
  auth.listSessions,
  auth.revokeSession,
  auth.revokeOtherSessions,
  users.createUser,
  users.listUsers,
  users.getUser,
  users.updateUser,
  users.replaceUser,
  users.deleteUser,
  users.restoreUser,
  users.activateUser,
  users.deactivateUser,
  users.setUserRole,
  posts.listUserPosts,
  posts.createPost,
  posts.getPost,
  posts.updatePost,
  posts.replacePost,
  posts.deletePost,
  posts.restorePost,
];
