import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connect.ts';
import { buildPath, type RouteSpec, type SuccessStatus } from '../protocol/contract.ts';
import type { CountMode } from '../protocol/cursor.ts';
import { AppError } from '../protocol/errors.ts';
import { assertIfMatch, entityTag } from '../protocol/etag.ts';
import type { Caller, RequestContext, RouteHandler } from '../protocol/handler.ts';
import { readPage } from './list-page.ts';
import type { BaseRecord, ResourceDefinition, ResourceRouteSet } from './resource-definition.ts';
import { createResourceRepository } from './resource-repository.ts';

/** The input the kit's handlers read, already validated by the route adapter. */
interface KitInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

interface KitResult {
  status: SuccessStatus;
  data: unknown;
  headers?: Record<string, string>;
}

type KitHandler = (input: KitInput, context: RequestContext) => Promise<KitResult>;

/** The handlers of a resource's routes, under the same keys as its routes (`list`, `get`, ...). */
export type ResourceHandlers<Routes extends ResourceRouteSet> = {
  readonly [K in keyof Routes]-?: RouteHandler<Extract<Routes[K], RouteSpec>>;
};

/** Refuses anyone but the record's owner or an admin. */
export function assertOwnerOrAdmin(caller: Caller | null, ownerId: unknown): void {
  if (caller === null) throw new AppError('UNAUTHORIZED');
  // Being signed in is not enough to change another user's data; only the owner and admins may.
  if (caller.role !== 'admin' && caller.userId !== ownerId) throw new AppError('INSUFFICIENT_PERMISSIONS');
}

/** The resource's name for messages: `Post not found`. */
function notFound(route: RouteSpec): AppError {
  const noun = route.tags[0] ?? 'item';
  const singular = noun.endsWith('s') ? noun.slice(0, -1) : noun;
  return new AppError('NOT_FOUND', {
    message: `${singular[0]?.toUpperCase()}${singular.slice(1)} not found`,
  });
}

/**
 * Implements every route of a resource from its definition: list (pagination, total order,
 * search, counters), get, create, PATCH, PUT, soft delete and restore, with the owner rule,
 * admin-only `includeDeleted`, ETag on single items and If-Match on writes.
 */
export function implementResource<Routes extends ResourceRouteSet, Row extends BaseRecord>(
  database: DatabaseHandle,
  definition: ResourceDefinition<Routes, Row>,
): ResourceHandlers<Routes> {
  const { routes, parent, ownerColumn } = definition;
  const repository = createResourceRepository<Row>(database.db, definition);
  const toApi = (record: Row) => definition.toApi(record) as { id: string };

  function single(status: 200 | 201, record: Row, extra: Record<string, string> = {}): KitResult {
    const data = toApi(record);
    return { status, data, headers: { ...extra, ETag: entityTag(data) } };
  }

  function toColumns(body: Record<string, unknown>): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(body)) {
      if (value === undefined) continue;
      // The body passed a strict schema; the Map (not an object lookup) names its column.
      const column = definition.columnByField.get(field);
      if (column === undefined)
        throw new Error(`${definition.table}: no column declared for field "${field}"`);
      values[column] = value;
    }
    return values;
  }

  function authorizeWrite(caller: Caller | null, record: Row): void {
    if (ownerColumn !== undefined)
      assertOwnerOrAdmin(caller, (record as Record<string, unknown>)[ownerColumn]);
  }

  const list: KitHandler = async ({ params, query }, { caller }) => {
    const includeDeleted = query.includeDeleted === true;
    // Deleted items may hold data their owners meant to remove: only admins may list them.
    if (includeDeleted && caller?.role !== 'admin') {
      throw new AppError('INSUFFICIENT_PERMISSIONS', { message: 'Only admins may list deleted items' });
    }
    const parentId = parent ? params.id : undefined;
    const page = query.page as number;
    const pageSize = query.pageSize as number;
    const sortColumn = definition.sortColumnByField.get(query.sortBy as string);
    if (sortColumn === undefined)
      throw new AppError('VALIDATION_ERROR', { details: { sortBy: ['Unknown'] } });
    // Offset or cursor mode and the count modes: kit/list-page.ts.
    const { records, pagination } = await readPage(repository, {
      page,
      pageSize,
      sortBy: query.sortBy as string,
      sortColumn,
      sortOrder: query.sortOrder === 'asc' ? 'asc' : 'desc',
      count: (query.count as CountMode | undefined) ?? 'exact',
      cursor: typeof query.cursor === 'string' ? query.cursor : undefined,
      search: typeof query.search === 'string' ? query.search : undefined,
      // The query passed a strict schema; each filter's column comes from the definition's Map.
      filters: [...definition.filterColumnByField].flatMap(([field, column]) =>
        query[field] === undefined ? [] : [{ column, value: query[field] }],
      ),
      includeDeleted,
      parentId,
    });
    return { status: 200, data: { items: records.map(toApi), pagination } };
  };

  const get: KitHandler = async ({ params }) => {
    const record = await repository.find(params.id ?? '');
    if (record === undefined) throw notFound(routes.get);
    return single(200, record);
  };

  const create: KitHandler = async ({ params, body }, { caller }) => {
    const values = toColumns(body);
    if (parent) {
      const parentId = params.id ?? '';
      if (ownerColumn === parent.column) assertOwnerOrAdmin(caller, parentId);
      if (!(await repository.parentExists(parentId)))
        throw new AppError('NOT_FOUND', { message: 'Parent not found' });
      values[parent.column] = parentId;
    }
    if (ownerColumn !== undefined && values[ownerColumn] === undefined) {
      if (caller === null) throw new AppError('UNAUTHORIZED');
      values[ownerColumn] = caller.userId;
    }
    if (definition.newId) values.id = definition.newId();
    const record = await repository.insert(values);
    return single(201, record, { Location: buildPath(routes.get.path, { id: toApi(record).id }) });
  };

  const write: KitHandler = async ({ params, body }, { caller, headers }) => {
    const result = await repository.withLockedRow(params.id ?? '', { includeDeleted: false }, async (row) => {
      authorizeWrite(caller, row.current);
      assertIfMatch(headers['if-match'], entityTag(toApi(row.current)));
      const changes = toColumns(body);
      // An empty PATCH changes nothing, so it writes nothing and updatedAt stays.
      return Object.keys(changes).length === 0 ? row.current : row.update(changes);
    });
    if (result === undefined) throw notFound(routes.get);
    return single(200, result);
  };

  const remove: KitHandler = async ({ params }, { caller, headers }) => {
    const found = await repository.withLockedRow(params.id ?? '', { includeDeleted: false }, async (row) => {
      authorizeWrite(caller, row.current);
      assertIfMatch(headers['if-match'], entityTag(toApi(row.current)));
      const deleted = await row.update({ deleted_at: sql`now()` });
      await definition.onDelete?.(row.transaction, deleted);
      return true;
    });
    if (found === undefined) throw notFound(routes.get);
    return { status: 204, data: undefined };
  };

  const restore: KitHandler = async ({ params }, { caller, headers }) => {
    const result = await repository.withLockedRow(params.id ?? '', { includeDeleted: true }, async (row) => {
      authorizeWrite(caller, row.current);
      assertIfMatch(headers['if-match'], entityTag(toApi(row.current)));
      // Restoring a live item changes nothing. A unique value (an e-mail) taken meanwhile makes the
      // update fail on the partial unique index: 409 ALREADY_EXISTS naming the field.
      return row.current.deleted_at === null ? row.current : row.update({ deleted_at: null });
    });
    if (result === undefined) throw notFound(routes.get);
    return single(200, result);
  };

  // The adapter validates input against each route before its handler runs, and parses the handler's
  // data with the route's response schema, so the generic handlers are held to the same contract.
  const handlers = { list, get, update: write, replace: write, remove, restore };
  return Object.freeze(
    routes.create ? { ...handlers, create } : handlers,
  ) as unknown as ResourceHandlers<Routes>;
}
