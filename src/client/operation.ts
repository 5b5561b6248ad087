import type { HttpMethod } from '../protocol/contract.ts';

/**
 * An operation discovered at run time, such as one read from `GET /api/openapi.json`: its method,
 * its path (with `:name` or `{name}` parameters) and, when known, its `operationId`.
 */
export interface OperationLocation {
  readonly method: HttpMethod;
  readonly path: string;
  /** The OpenAPI `operationId`, which is the contract's route name (`logout` clears the read cache). */
  readonly operationId?: string;
}

/** Turns an OpenAPI path (`/api/users/{id}`) into the contract's form (`/api/users/:id`). */
export function contractPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}/]+)\}/g, ':$1');
}

/** An operation of the OpenAPI document as the client calls it. */
export function operationAt(method: string, openApiPath: string, operationId?: string): OperationLocation {
  const upper = method.toUpperCase() as HttpMethod;
  return { method: upper, path: contractPath(openApiPath), ...(operationId ? { operationId } : {}) };
}
