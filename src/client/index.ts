export { type ClientOptions, createClient, type FetchLike, type TenetClient } from './client.ts';
export {
  type ClientErrorCode,
  type CodesOf,
  errorVariants,
  type FailureKind,
  variantForStatus,
} from './errors.ts';
export type { BroadcastChannelLike, LockManagerLike, RefreshOutcome } from './refresh.ts';
export type * from './results.ts';
export {
  manifestFromOpenApi,
  type OpenApiPaths,
  type RouteLocation,
  type RouteManifest,
  type RouteName,
  type RouteOf,
} from './routes.ts';
export type { CallOptions } from './types.ts';
