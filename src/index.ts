// tenet's server kit: everything a team's app imports, from one entry (`import { … } from 'tenet'`).
// The reference app in src/app/ is assembled from these exports only (test/architecture.test.ts).

export { appContract, buildApp, type ReferenceAppOptions, referenceDocument } from './app/app.ts';
export { type RunningServer, type ServerExtensions, startServer, stopOnSignals } from './app/server.ts';
export { type UserProfile, type UserRecord, userToApi } from './auth/account.ts';
export { ensureAdmin } from './auth/admin.ts';
export { type Auth, type AuthOptions, createAuth } from './auth/index.ts';
export { PasswordHasher } from './auth/passwords.ts';
export { type Config, ConfigError, type DatabaseConfig, loadConfig } from './config.ts';
export { connectDatabase, type DatabaseHandle } from './db/connect.ts';
export {
  loadAppMigrations,
  loadMigrations,
  MIGRATIONS_DIR,
  type Migration,
  migrateDown,
  migrateUp,
  migrationStatus,
} from './db/migrate.ts';
export { preparedQuery } from './db/prepared-statements.ts';
export type * from './db/schema.ts';
export { generateDatabaseTypes } from './db/types-generator.ts';
export { type AppService, type CreateAppOptions, createApp } from './http/app.ts';
export { appDocument, defaultApiInfo } from './http/docs-document.ts';
export { drainRefusedBodies } from './http/drain.ts';
export { healthImplementations } from './http/health.ts';
export type { Authenticate } from './http/routes.ts';
export * from './kit/index.ts';
export {
  type Access,
  buildPath,
  type Contract,
  defineContract,
  defineRoute,
  type HttpMethod,
  type ResourceOperation,
  type RouteData,
  type RouteInput,
  type RouteLocation,
  type RouteManifest,
  type RouteRequest,
  type RouteSpec,
  routeManifest,
  type SuccessStatus,
} from './protocol/contract.ts';
export { isoTimestampSchema } from './protocol/envelope.ts';
export { AppError, type ErrorCode, errorCatalogue } from './protocol/errors.ts';
export {
  type Caller,
  type CookieInstruction,
  type HandlerResult,
  type Implementations,
  implement,
  type RequestContext,
  type RouteHandler,
} from './protocol/handler.ts';
export { createUlidGenerator, ulidSchema, ulidToUuid, uuidSchema, uuidToUlid } from './protocol/ids.ts';
export { createOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './protocol/openapi.ts';
export { pageSchema } from './protocol/pagination.ts';
export { defineResourceRoutes, type ResourceAccess } from './protocol/resource-routes.ts';
export * from './protocol/routes/index.ts';
