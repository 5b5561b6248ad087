import {
  type CountMode,
  decodeCursor,
  encodeCursor,
  type ListPagination,
  pageFacts,
} from '../protocol/cursor.ts';
import { AppError } from '../protocol/errors.ts';
import { pageOffset } from '../protocol/pagination.ts';
import type { BaseRecord } from './resource-definition.ts';
import type { ResourceRepository } from './resource-repository.ts';

/** A list request, already validated and mapped to columns. */
export interface PageRequest {
  page: number;
  pageSize: number;
  sortBy: string;
  sortColumn: string;
  sortOrder: 'asc' | 'desc';
  count: CountMode;
  cursor: string | undefined;
  search: string | undefined;
  /** Equality filters, as column and value. */
  filters?: readonly { column: string; value: unknown }[];
  includeDeleted: boolean;
  parentId: string | undefined;
}

/**
 * Reads one page in offset mode (`page`) or cursor mode (`cursor`, keyset on the sort column and
 * id, so rows inserted meanwhile never shift it), with the total as `count` asks; 404 when the
 * parent of a nested list is gone.
 */
export async function readPage<Row extends BaseRecord>(
  repository: ResourceRepository<Row>,
  request: PageRequest,
): Promise<{ records: Row[]; pagination: ListPagination }> {
  const { pageSize, sortBy, sortOrder } = request;
  const position = request.cursor === undefined ? undefined : decodeCursor(request.cursor, sortBy, sortOrder);
  const backwards = position?.direction === 'prev';
  const reversed = sortOrder === 'desc' ? 'asc' : 'desc';
  const result = await repository
    .list({
      sortColumn: request.sortColumn,
      // A previous page is read backwards from its boundary, then put back in order.
      direction: backwards ? reversed : sortOrder,
      offset: position ? 0 : pageOffset(request.page, pageSize),
      // One row more than the page shows whether another page follows.
      limit: pageSize + 1,
      search: request.search,
      filters: request.filters,
      includeDeleted: request.includeDeleted,
      parentId: request.parentId,
      keyset: position ? { value: position.value, id: position.id } : undefined,
      count: request.count,
    })
    .catch((error: unknown) => {
      // A cursor's value that the column's type cannot read (class 22, data exception) is the
      // client's bad input, not a database fault.
      const code = (error as { code?: unknown } | null)?.code;
      if (position !== undefined && typeof code === 'string' && code.startsWith('22'))
        throw new AppError('VALIDATION_ERROR', { details: { cursor: ['Not a cursor from this API'] } });
      throw error;
    });
  if (!result.parentFound) throw new AppError('NOT_FOUND', { message: 'Parent not found' });
  const more = result.records.length > pageSize;
  let records = result.records.slice(0, pageSize);
  let sortValues = result.sortValues.slice(0, pageSize);
  if (backwards) {
    records = records.reverse();
    sortValues = sortValues.reverse();
  }
  const cursorAt = (index: number, direction: 'next' | 'prev') => {
    const record = records[index];
    const value = sortValues[index];
    return record === undefined || value === undefined
      ? null
      : encodeCursor({ sortBy, sortOrder, value, id: record.id, direction });
  };
  if (position === undefined) {
    const facts = pageFacts(request.page, pageSize, result.totalItems, result.exact, more);
    return {
      records,
      pagination: {
        page: request.page,
        pageSize,
        ...facts,
        nextCursor: facts.hasNextPage ? cursorAt(records.length - 1, 'next') : null,
        prevCursor: facts.hasPreviousPage ? cursorAt(0, 'prev') : null,
      },
    };
  }
  // Reached by a cursor: the side it came from has rows (the boundary), the other side is `more`.
  const hasNextPage = backwards ? true : more;
  const hasPreviousPage = backwards ? more : true;
  const { totalItems, totalPages } = pageFacts(1, pageSize, result.totalItems, false, more);
  return {
    records,
    pagination: {
      page: null,
      pageSize,
      totalItems,
      totalPages,
      hasNextPage,
      hasPreviousPage,
      nextCursor: hasNextPage ? cursorAt(records.length - 1, 'next') : null,
      prevCursor: hasPreviousPage ? cursorAt(0, 'prev') : null,
    },
  };
}
