// Compile-time checks of the contract's types, run by `tsc --noEmit` (npm test): each
// `@ts-expect-error` fails the type check if the line it marks ever compiles.

import type { Implementations } from './handler.ts';
import type { HealthContract } from './routes/health.ts';

const ok = async () => ({ status: 200 as const, data: { status: 'ok' as const, database: 'up' as const } });

/** Exactly one handler per route. */
export const complete: Implementations<HealthContract> = { getHealth: ok };

// @ts-expect-error a route without a handler
export const missing: Implementations<HealthContract> = {};

/** A handler without a route. */
export const extra: Implementations<HealthContract> = {
  getHealth: ok,
  // @ts-expect-error a handler without a route
  getWealth: ok,
};
