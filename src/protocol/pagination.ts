import { z } from 'zod';

/** @default 1 */
export const PAGE_DEFAULT = 1;
/** The largest page number accepted: a positive 32-bit integer, so OFFSET can never overflow. */
export const PAGE_MAX = 2_147_483_647;
/** @default 20 */
export const PAGE_SIZE_DEFAULT = 20;
/** The largest page size the spec allows. */
export const PAGE_SIZE_MAX = 100;

const INTEGER_TEXT = /^-?\d{1,20}$/;

/**
 * A whole number read from a query string (or given as a number by a typed client), bounded before
 * it can reach SQL. `1.5`, `1e30`, `abc` and repeated parameters are refused, never coerced.
 */
export function queryInteger(bounds: { min: number; max: number }) {
  return z.preprocess(
    (value) => (typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value),
    z
      .number({ error: 'Must be a whole number' })
      .int('Must be a whole number')
      .min(bounds.min, `Must be at least ${bounds.min}`)
      .max(bounds.max, `Must be at most ${bounds.max}`),
  );
}

/** Sort direction. */
export const sortOrderSchema = z.enum(['asc', 'desc'], { error: 'Must be asc or desc' });

/**
 * The spec's pagination parameters for a resource whose sortable fields are `sortable`
 * (camelCase). `sortBy` is an allow-list: anything else, `__proto__` included, is refused.
 */
export function paginationQuerySchema<const F extends string>(
  sortable: readonly [F, ...F[]],
  defaultSort: NoInfer<F>,
) {
  return z.object({
    page: queryInteger({ min: 1, max: PAGE_MAX }).default(PAGE_DEFAULT),
    pageSize: queryInteger({ min: 1, max: PAGE_SIZE_MAX }).default(PAGE_SIZE_DEFAULT),
    sortBy: z.enum(sortable, { error: `Must be one of: ${sortable.join(', ')}` }).default(defaultSort as F),
    sortOrder: sortOrderSchema.default('desc'),
  });
}

/** The `pagination` object of a page. */
export interface Pagination {
  page: number;
  pageSize: number;
  totalItems: number;
  totalPages: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** Computes the spec's pagination object; `totalPages` is 0 when there are no items. */
export function computePagination(page: number, pageSize: number, totalItems: number): Pagination {
  const totalPages = Math.ceil(totalItems / pageSize);
  return {
    page,
    pageSize,
    totalItems,
    totalPages,
    hasNextPage: page < totalPages,
    hasPreviousPage: page > 1,
  };
}

/** The row offset of a page. */
export function pageOffset(page: number, pageSize: number): number {
  return (page - 1) * pageSize;
}

/** Schema of the `pagination` object. */
export const paginationSchema = z.object({
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1).max(PAGE_SIZE_MAX),
  totalItems: z.number().int().min(0),
  totalPages: z.number().int().min(0),
  hasNextPage: z.boolean(),
  hasPreviousPage: z.boolean(),
});

/** Schema of the spec's `PaginatedResponse` around an item schema. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), pagination: paginationSchema });
}
