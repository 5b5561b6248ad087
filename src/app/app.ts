import type { FastifyInstance } from 'fastify';
import { createAuth } from '../auth/index.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import { createApp } from '../http/app.ts';
import { appDocument } from '../http/docs-document.ts';
import { healthImplementations } from '../http/health.ts';
import type { AnyAppModule } from '../kit/module.ts';
import type { Contract } from '../protocol/contract.ts';
import type { Implementations } from '../protocol/handler.ts';
import type { OpenApiDocument } from '../protocol/openapi.ts';
import { referenceContract } from '../protocol/routes/index.ts';
import { postImplementations } from './posts/post-resource.ts';
import { userImplementations } from './users/user-routes.ts';

/** A description for each tag of the reference contract. */
export const referenceTagDescriptions: Readonly<Record<string, string>> = {
  health: 'Liveness and database reachability',
  auth: 'Sign in and out, session refresh, the signed-in user',
  users: 'User accounts: sign-up, profiles, activation',
  posts: 'Posts written by users',
};

/** What the reference app is built on; the caller owns the database and closes it after the app. */
export interface ReferenceAppOptions {
  database: DatabaseHandle;
  /** A team's own resources and routes, served beside tenet's with every convention. */
  modules?: readonly AnyAppModule[];
}

/** The reference contract plus the routes of some modules, refusing a name used twice. */
export function appContract(modules: readonly AnyAppModule[] = []): Contract {
  const contract: Record<string, Contract[string]> = { ...referenceContract };
  for (const module of modules) {
    for (const [name, route] of Object.entries(module.routes)) {
      if (name in contract) throw new Error(`Route name "${name}" is used twice in the app's contract`);
      contract[name] = route;
    }
  }
  return Object.freeze(contract);
}

/** Tag descriptions of the reference app and of some modules. */
export function appTagDescriptions(modules: readonly AnyAppModule[] = []): Record<string, string> {
  return Object.assign(
    {},
    referenceTagDescriptions,
    ...modules.map((module) => module.tagDescriptions ?? {}),
  );
}

/**
 * tenet's reference app (health, auth, users, posts), assembled from the public kit exactly as a
 * team's app is: one contract, one handler per route, auth's session revocation handed to users.
 */
export async function buildApp(config: Config, options: ReferenceAppOptions): Promise<FastifyInstance> {
  const { database } = options;
  const modules = options.modules ?? [];
  const auth = createAuth(database, config);
  const implementations: Record<string, unknown> = {
    ...healthImplementations(database),
    ...auth.implementations,
    ...userImplementations(database, { revokeSessions: auth.revokeUserSessions }),
    ...postImplementations(database),
  } satisfies Implementations<typeof referenceContract>;
  for (const module of modules) Object.assign(implementations, module.implement({ database, config }));
  return createApp({
    config,
    database,
    contract: appContract(modules),
    implementations: implementations as Implementations<Contract>,
    authenticate: auth.guard,
    document: { tagDescriptions: appTagDescriptions(modules) },
    services: [auth.service],
  });
}

/** The OpenAPI document of the reference app with some modules: what its `/api/openapi.json` serves. */
export function referenceDocument(modules: readonly AnyAppModule[] = []): OpenApiDocument {
  return appDocument(appContract(modules), { tagDescriptions: appTagDescriptions(modules) });
}
