export { assertIfMatch, entityTag } from '../protocol/etag.ts';
export {
  defineResource,
  type IdStrategy,
  type Resource,
  type ResourceContract,
  type ResourceSpec,
  type SnakeCase,
} from './define-resource.ts';
export {
  type AnyAppModule,
  type AppModule,
  type AppServices,
  defineModule,
  type ModulesContract,
  moduleOf,
  type RevokeSessions,
} from './module.ts';
export { defineProject, type Project } from './project.ts';
export {
  type BaseRecord,
  defineResourceStorage,
  type ResourceDeclaration,
  type ResourceDefinition,
  type ResourceRouteSet,
} from './resource-definition.ts';
export { assertOwnerOrAdmin, implementResource, type ResourceHandlers } from './resource-handlers.ts';
export { createResourceRepository, DEFERRED_JOIN_MIN_OFFSET } from './resource-repository.ts';
