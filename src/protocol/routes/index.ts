import type { RouteSpec } from '../contract.ts';
import { getHealth } from './health.ts';
import { createUser } from './users.ts';

export { getHealth } from './health.ts';
export { createUser } from './users.ts';

/** Every route of the API. */
export const routes: readonly RouteSpec[] = [getHealth, createUser];
