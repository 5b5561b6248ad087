import type { RouteSpec } from '../contract.ts';
import { getHealth } from './health.ts';

export { getHealth } from './health.ts';

/** Every route of the API. */
export const routes: readonly RouteSpec[] = [getHealth];
