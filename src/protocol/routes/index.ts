import type { RouteSpec } from '../contract.ts';
import { getCurrentUser, login, logout, refreshSession } from './auth.ts';
import { getHealth } from './health.ts';
import {
  createPost,
  deletePost,
  getPost,
  listUserPosts,
  replacePost,
  restorePost,
  updatePost,
} from './posts.ts';
import {
  activateUser,
  createUser,
  deactivateUser,
  deleteUser,
  getUser,
  listUsers,
  replaceUser,
  restoreUser,
  updateUser,
} from './users.ts';

export { getCurrentUser, login, logout, refreshSession } from './auth.ts';
export { getHealth } from './health.ts';
export {
  createPost,
  deletePost,
  getPost,
  listUserPosts,
  replacePost,
  restorePost,
  updatePost,
} from './posts.ts';
export {
  activateUser,
  createUser,
  deactivateUser,
  deleteUser,
  getUser,
  listUsers,
  replaceUser,
  restoreUser,
  updateUser,
} from './users.ts';

/** Every route of the API. */
export const routes: readonly RouteSpec[] = [
  getHealth,
  login,
  logout,
  refreshSession,
  getCurrentUser,
  createUser,
  listUsers,
  getUser,
  updateUser,
  replaceUser,
  deleteUser,
  restoreUser,
  activateUser,
  deactivateUser,
  listUserPosts,
  createPost,
  getPost,
  updatePost,
  replacePost,
  deletePost,
  restorePost,
];
