import { z } from 'zod';
import { AppError } from './errors.ts';
import { computePagination } from './pagination.ts';

/** The longest `cursor` accepted: a sort value (≤ a few hundred characters) and an id, encoded. */
export const CURSOR_MAX_LENGTH = 1024;

/** `count`: how `totalItems` is found. */
export const countModeSchema = z
  .enum(['exact', 'estimated', 'none'], { error: 'Must be exact, estimated or none' })
  .default('exact')
  .describe(
    'exact: totalItems counted exactly (from counters on the default scope); estimated: from the ' +
      "planner's statistics on a filtered scope (exact on the default scope); none: totalItems and totalPages are null.",
  );

/** A count mode. */
export type CountMode = z.output<typeof countModeSchema>;

/** `cursor`: an opaque position from `pagination.nextCursor` or `prevCursor`. */
export const cursorQuerySchema = z
  .string({ error: 'Must be a single string' })
  .min(1, 'Must not be empty')
  .max(CURSOR_MAX_LENGTH, `Must be at most ${CURSOR_MAX_LENGTH} characters`)
  .optional()
  .describe(
    'An opaque cursor from pagination.nextCursor or prevCursor: the page after (or before) that position, ' +
      'stable under inserts. page is then ignored and answered as null; sortBy and sortOrder must match the cursor.',
  );

/** The list-mode query parameters every kit list takes besides the spec's pagination. */
export const listModeQueryShape = { count: countModeSchema, cursor: cursorQuerySchema };

/** What a cursor holds: the sort it belongs to, the boundary row's sort value and id, and the direction. */
export interface CursorPosition {
  sortBy: string;
  sortOrder: 'asc' | 'desc';
  /** The boundary row's sort value, as the database writes it in text. */
  value: string;
  id: string;
  /** `next`: the rows after the boundary; `prev`: the rows before it. */
  direction: 'next' | 'prev';
}

/** Encodes a position as an opaque base64url string. */
export function encodeCursor(position: CursorPosition): string {
  const { sortBy, sortOrder, value, id, direction } = position;
  return Buffer.from(
    JSON.stringify([1, sortBy, sortOrder, value, id, direction === 'next' ? 'n' : 'p']),
  ).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalidCursor(reason: string): AppError {
  return new AppError('VALIDATION_ERROR', { details: { cursor: [reason] } });
}

/**
 * Decodes a cursor for the list's current sort; anything malformed, or made for another sort, is
 * refused with 400 rather than guessed at (a cursor is data from the client).
 */
export function decodeCursor(cursor: string, sortBy: string, sortOrder: 'asc' | 'desc'): CursorPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('Not a cursor from this API');
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 6 ||
    decoded[0] !== 1 ||
    typeof decoded[1] !== 'string' ||
    (decoded[2] !== 'asc' && decoded[2] !== 'desc') ||
    typeof decoded[3] !== 'string' ||
    typeof decoded[4] !== 'string' ||
    !UUID.test(decoded[4]) ||
    (decoded[5] !== 'n' && decoded[5] !== 'p') ||
    decoded[3].includes('\0')
  ) {
    throw invalidCursor('Not a cursor from this API');
  }
  if (decoded[1] !== sortBy || decoded[2] !== sortOrder) {
    throw invalidCursor(`Made for sortBy=${decoded[1]}&sortOrder=${decoded[2]}; send the same sort`);
  }
  return {
    sortBy,
    sortOrder,
    value: decoded[3],
    id: decoded[4],
    direction: decoded[5] === 'n' ? 'next' : 'prev',
  };
}

/** The `pagination` object of a list page in either mode, offset or cursor. */
export interface ListPagination {
  /** The page number in offset mode; null in cursor mode. */
  page: number | null;
  pageSize: number;
  totalItems: number | null;
  totalPages: number | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  nextCursor: string | null;
  prevCursor: string | null;
}

/** Schema of the `pagination` object of a kit list (offset and cursor modes, every count mode). */
export const listPaginationSchema = z.object({
  page: z.number().int().min(1).nullable().describe('The page number; null in cursor mode'),
  pageSize: z.number().int().min(1),
  totalItems: z.number().int().min(0).nullable().describe('null when count=none'),
  totalPages: z.number().int().min(0).nullable().describe('null when count=none'),
  hasNextPage: z.boolean(),
  hasPreviousPage: z.boolean(),
  nextCursor: z.string().nullable().describe('The cursor of the next page; null on the last page'),
  prevCursor: z.string().nullable().describe('The cursor of the previous page; null on the first page'),
});

/**
 * The totals and neighbours of a page: the spec's math when the total is exact, otherwise what the
 * page itself shows (`hasMoreRows`: a row past the page was found).
 */
export function pageFacts(
  page: number,
  pageSize: number,
  totalItems: number | null,
  exact: boolean,
  hasMoreRows: boolean,
): Pick<ListPagination, 'totalItems' | 'totalPages' | 'hasNextPage' | 'hasPreviousPage'> {
  if (totalItems !== null && exact) {
    const { totalPages, hasNextPage, hasPreviousPage } = computePagination(page, pageSize, totalItems);
    return { totalItems, totalPages, hasNextPage, hasPreviousPage };
  }
  return {
    totalItems,
    totalPages: totalItems === null ? null : Math.ceil(totalItems / pageSize),
    hasNextPage: hasMoreRows,
    hasPreviousPage: page > 1,
  };
}
