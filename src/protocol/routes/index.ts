import { defineContract } from '../contract.ts';
import { authContract } from './auth.ts';
import { healthContract } from './health.ts';
import { postsContract } from './posts.ts';
import { signUpContract, usersContract } from './users.ts';

export * from './auth.ts';
export * from './health.ts';
export * from './posts.ts';
export * from './users.ts';

/** The contract of tenet's reference app: every route under its name (its operationId). */
export const referenceContract = defineContract({
  ...healthContract,
  ...authContract,
  ...signUpContract,
  ...usersContract,
  ...postsContract,
});

/** The reference app's contract as a type: what a frontend imports with `import type`. */
export type ReferenceContract = typeof referenceContract;
