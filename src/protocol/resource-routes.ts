import { z } from 'zod';
import { type Access, defineRoute, type ResourceOperation } from './contract.ts';
import { listModeQueryShape, listPaginationSchema } from './cursor.ts';
import type { ErrorCode } from './errors.ts';
import { paginationQuerySchema } from './pagination.ts';
import { TRIMMED_NOTE } from './text.ts';

/** The longest `search` text accepted. */
export const SEARCH_MAX_LENGTH = 100;

/** `includeDeleted`: `true` lists soft-deleted items too (admins only); `false` is the default. */
export const includeDeletedSchema = z
  .preprocess(
    (value) => (value === 'true' ? true : value === 'false' ? false : value),
    z.boolean({ error: 'Must be true or false' }),
  )
  .default(false);

/** `search`: a case-insensitive substring, trimmed; empty means no filter. */
// Bounded: a search scans the scope, and a long pattern makes each comparison dearer.
export const searchSchema = z
  .string({ error: 'Must be a single string' })
  .trim()
  .max(SEARCH_MAX_LENGTH, `Must be at most ${SEARCH_MAX_LENGTH} characters`)
  .meta({ description: `${TRIMMED_NOTE} Empty means no filter.` })
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const noSearchSchema = z.never({ error: 'This list cannot be searched' }).optional();

/**
 * The query of a resource list: the spec's pagination (sortBy from `sortable`, default
 * `createdAt`), `search` when the resource has search fields, and `includeDeleted`. Unknown
 * parameters are refused.
 */
export function listQuerySchema<
  const F extends string,
  Filters extends z.core.$ZodShape = Record<never, never>,
>(sortable: readonly ['createdAt', ...F[]], options: { searchable: boolean; filters?: Filters }) {
  return paginationQuerySchema<'createdAt' | F>(sortable, 'createdAt')
    .extend({
      search: options.searchable ? searchSchema : noSearchSchema,
      includeDeleted: includeDeletedSchema,
      ...listModeQueryShape,
    })
    .extend((options.filters ?? {}) as Filters)
    .strict();
}

/**
 * An equality filter of a list (`?userId=`), from the field's schema: optional, and a query
 * string's `true`, `false` or number read as such when the field is a boolean or a number.
 */
export function filterSchema(field: z.ZodType) {
  const type = (field as { def?: { type?: string } }).def?.type;
  const read = (value: unknown) => {
    if (typeof value !== 'string') return value;
    if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
    if (type === 'number' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    return value;
  };
  return z.preprocess(read, field).optional();
}

/** Who may call each operation of a resource; owner rules are the handlers' (see `owner`). */
export interface ResourceAccess {
  read: Access;
  create: Access;
  write: Access;
  restore: Access;
}

/** What {@link defineResourceRoutes} needs to declare a resource's routes. */
export interface ResourceRoutesOptions<
  Item extends z.ZodType,
  Create extends z.ZodType | undefined,
  FieldsShape extends z.core.$ZodShape,
  Sort extends string,
  ItemParams extends z.ZodType,
  CollectionParams extends z.ZodType | undefined,
  CollectionPath extends string,
  ItemPath extends string,
  Filters extends z.core.$ZodShape = Record<never, never>,
> {
  /** The singular noun, for summaries: `'post'`. */
  name: string;
  /** The OpenAPI tag: `'posts'`. */
  tag: string;
  /** The list (and create) path: `/api/widgets`, or nested `/api/users/:id/posts`. */
  collectionPath: CollectionPath;
  /** Path parameters of the collection path when it is nested. */
  collectionParams?: CollectionParams;
  /** The path of one item, ending in `:id`: `/api/posts/:id`. */
  itemPath: ItemPath;
  /** Path parameters of the item path; `id` is the one the kit reads. */
  itemParams: ItemParams;
  /** The representation. */
  item: Item;
  /** The create body (a strict object); leave out when creation is a route of its own (sign-up). */
  create?: Create;
  /** Every updatable field, each required (a strict object): the PUT body; PATCH takes any subset. */
  fields: z.ZodObject<FieldsShape>;
  /** The camelCase fields a list may sort by; `createdAt` first, the default. */
  sortable: readonly ['createdAt', ...Sort[]];
  /** What `search` matches, for the description (`'title'`); leave out for a list without search. */
  search?: string;
  /** Equality filters of the list (`?userId=`), each an optional query parameter: see `filterSchema`. */
  filters?: Filters;
  access: ResourceAccess;
  /** The owner rule for writes, for descriptions: `'the author or an admin'`. */
  owner?: string;
  /** For a nested collection: the parent resource's plural name (`'users'`). */
  parent?: string;
}

function writeErrors(access: Access): ErrorCode[] {
  return access === 'public' ? ['FORBIDDEN'] : ['UNAUTHORIZED', 'FORBIDDEN', 'INSUFFICIENT_PERMISSIONS'];
}

function readErrors(access: Access): ErrorCode[] {
  return access === 'public' ? [] : ['UNAUTHORIZED'];
}

const ETAG_NOTE =
  'Answers with an ETag; send it back in If-Match to refuse a write over a newer version (409).';
const IF_MATCH_NOTE = 'Honours If-Match: 409 CONFLICT when the item changed since that ETag.';

/**
 * Declares the routes of a resource on the kit: list, get, create, PATCH, PUT, soft DELETE and
 * restore, with the spec's pagination, `search`, admin-only `includeDeleted`, ETag and If-Match.
 * Pure data: the server implements them with `resources/kit`, the client and OpenAPI read them.
 */
export function defineResourceRoutes<
  Item extends z.ZodType,
  Create extends z.ZodType | undefined,
  FieldsShape extends z.core.$ZodShape,
  const Sort extends string,
  ItemParams extends z.ZodType,
  const CollectionPath extends string,
  const ItemPath extends string,
  CollectionParams extends z.ZodType | undefined = undefined,
  Filters extends z.core.$ZodShape = Record<never, never>,
>(
  options: ResourceRoutesOptions<
    Item,
    Create,
    FieldsShape,
    Sort,
    ItemParams,
    CollectionParams,
    CollectionPath,
    ItemPath,
    Filters
  >,
) {
  const { name, tag, access } = options;
  const tags = [tag];
  const parent = options.collectionParams === undefined ? undefined : options.parent;
  // Only the collection routes are nested under the parent; item routes stand on their own path.
  const resource = (action: ResourceOperation['action']): ResourceOperation =>
    parent === undefined || (action !== 'list' && action !== 'create')
      ? { name: tag, action }
      : { name: tag, action, parent };
  const owner = options.owner ? ` Allowed to ${options.owner}.` : '';
  const searchNote = options.search ? ` search matches ${options.search}, case-insensitively.` : '';
  const filterNames = Object.keys(options.filters ?? {});
  const filterNote =
    filterNames.length > 0
      ? ` Filters by equality: ${filterNames.map((name) => `?${name}=`).join(', ')}.`
      : '';
  const create = defineRoute({
    method: 'POST',
    path: options.collectionPath,
    summary: `Create a ${name}`,
    resource: resource('create'),
    sets: ['ETag'],
    description: `201 with Location and ETag.${owner}`,
    tags,
    access: access.create,
    params: options.collectionParams as CollectionParams,
    body: options.create as Exclude<Create, undefined>,
    responses: { 201: options.item },
    errors: [
      'VALIDATION_ERROR',
      'MISSING_FIELD',
      'NOT_FOUND',
      'ALREADY_EXISTS',
      ...writeErrors(access.create),
    ],
  });
  const routes = {
    list: defineRoute({
      method: 'GET',
      path: options.collectionPath,
      summary: `List ${tag}`,
      resource: resource('list'),
      description:
        `Paginated; sortBy one of ${options.sortable.join(', ')}; the id breaks ties.${searchNote}${filterNote} ` +
        'includeDeleted=true lists soft-deleted items too (admins only).',
      tags,
      access: access.read,
      params: options.collectionParams as CollectionParams,
      query: listQuerySchema<Sort, Filters>(options.sortable, {
        searchable: options.search !== undefined,
        filters: options.filters,
      }),
      responses: { 200: z.object({ items: z.array(options.item), pagination: listPaginationSchema }) },
      errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'INSUFFICIENT_PERMISSIONS', ...readErrors(access.read)],
    }),
    get: defineRoute({
      method: 'GET',
      path: options.itemPath,
      summary: `Get a ${name}`,
      resource: resource('get'),
      sets: ['ETag'],
      description: ETAG_NOTE,
      tags,
      access: access.read,
      params: options.itemParams,
      responses: { 200: options.item },
      errors: ['NOT_FOUND', ...readErrors(access.read)],
    }),
    update: defineRoute({
      method: 'PATCH',
      path: options.itemPath,
      summary: `Update some fields of a ${name}`,
      resource: resource('update'),
      sets: ['ETag'],
      ifMatch: true,
      description: `Any subset of the updatable fields; an empty object changes nothing.${owner} ${IF_MATCH_NOTE}`,
      tags,
      access: access.write,
      params: options.itemParams,
      body: options.fields.partial().strict(),
      responses: { 200: options.item },
      errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT', 'ALREADY_EXISTS', ...writeErrors(access.write)],
    }),
    replace: defineRoute({
      method: 'PUT',
      path: options.itemPath,
      summary: `Replace a ${name}`,
      resource: resource('replace'),
      sets: ['ETag'],
      ifMatch: true,
      description: `Every updatable field is required.${owner} ${IF_MATCH_NOTE}`,
      tags,
      access: access.write,
      params: options.itemParams,
      body: options.fields.strict(),
      responses: { 200: options.item },
      errors: [
        'VALIDATION_ERROR',
        'MISSING_FIELD',
        'NOT_FOUND',
        'CONFLICT',
        'ALREADY_EXISTS',
        ...writeErrors(access.write),
      ],
    }),
    remove: defineRoute({
      method: 'DELETE',
      path: options.itemPath,
      summary: `Delete a ${name}`,
      resource: resource('delete'),
      ifMatch: true,
      description: `Soft delete: 204, then 404 everywhere until restored.${owner} ${IF_MATCH_NOTE}`,
      tags,
      access: access.write,
      params: options.itemParams,
      responses: { 204: null },
      errors: ['NOT_FOUND', 'CONFLICT', ...writeErrors(access.write)],
    }),
    restore: defineRoute({
      method: 'POST',
      path: `${options.itemPath}/restore` as `${ItemPath}/restore`,
      summary: `Restore a deleted ${name}`,
      resource: resource('restore'),
      sets: ['ETag'],
      ifMatch: true,
      description:
        'Undoes a soft delete (a live item is returned as it is). 409 ALREADY_EXISTS when a unique value ' +
        `was taken meanwhile. ${IF_MATCH_NOTE}`,
      tags,
      access: access.restore,
      params: options.itemParams,
      responses: { 200: options.item },
      errors: ['NOT_FOUND', 'CONFLICT', 'ALREADY_EXISTS', ...writeErrors(access.restore)],
    }),
  };
  type Routes = typeof routes & (Create extends z.ZodType ? { create: typeof create } : unknown);
  return Object.freeze(options.create === undefined ? routes : { ...routes, create }) as Routes;
}
