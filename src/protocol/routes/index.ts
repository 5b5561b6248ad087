import type { RouteSpec } from '../contract.ts';
import { getCurrentUser, login, logout, refreshSession } from './auth.ts';
import { getHealth } from './health.ts';
import { createUser } from './users.ts';

export { getCurrentUser, login, logout, refreshSession } from './auth.ts';
export { getHealth } from './health.ts';
export { createUser } from './users.ts';

/** Every route of the API. */
export const routes: readonly RouteSpec[] = [
  getHealth,
  login,
  logout,
  refreshSession,
  getCurrentUser,
  createUser,
];
