import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { preparedQuery } from '../db/prepared-statements.ts';
import type { Database } from '../db/schema.ts';
import type { CountMode } from '../protocol/cursor.ts';
import { estimateRows } from './list-count.ts';
import type { BaseRecord, ResourceDefinition, ResourceRouteSet } from './resource-definition.ts';

/** Any table: the kit's queries are generic, and column names come only from a definition's Maps. */
type LooseDatabase = Record<string, Record<string, unknown>>;

/** What one page of a list asks for, in columns (already mapped from the client's fields). */
export interface ListQuery {
  sortColumn: string;
  direction: 'asc' | 'desc';
  offset: number;
  limit: number;
  search: string | undefined;
  /** Equality filters, as column and value (columns from the definition's Map only). */
  filters?: readonly { column: string; value: unknown }[];
  includeDeleted: boolean;
  /** The parent's id, for a nested collection. */
  parentId: string | undefined;
  /** Cursor mode: only rows after this (sort value as text, id) in the order read. */
  keyset?: { value: string; id: string };
  /** How the total is found (default exact); see kit/list-count.ts. */
  count?: CountMode;
}

/**
 * Below this offset a page is read straight from the table (the rows skipped are few); from it on,
 * by a deferred join (the rows skipped are read from the index only).
 */
export const DEFERRED_JOIN_MIN_OFFSET = 200;

/** How many scopes' totals a repository keeps to choose the end a deep page is read from. */
const KNOWN_TOTALS_LIMIT = 1024;

// Column aliases of the list query's scalar subqueries; no table column may use them.
const TOTAL = 'tenet_total_items';
const PARENT_LIVE = 'tenet_parent_live';
const SORT_VALUE = 'tenet_sort_value';

/** A row locked for the length of a write's transaction. */
export interface LockedRow<Row> {
  current: Row;
  /** Updates the locked row and returns it as stored. */
  update(changes: Record<string, unknown>): Promise<Row>;
  /** The transaction, for writes to other tables that must commit or fail with this one. */
  transaction: Kysely<Database>;
}

/** Escapes LIKE's wildcards so `search` is matched as plain text. */
export function likeSubstring(text: string): string {
  // A client's own % and _ would widen the match beyond the text typed (and cost more to run).
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** The SQL of one resource: lists, lookups and locked writes, through Kysely only. */
export interface ResourceRepository<Row extends BaseRecord> {
  /** One page, its scope's exact total, and (nested lists) whether the parent is live. */
  list(query: ListQuery): Promise<{
    records: Row[];
    /** Null when `count` is none (or estimated with no estimate). */
    totalItems: number | null;
    /** Whether `totalItems` is exact. */
    exact: boolean;
    parentFound: boolean;
    /** Each record's sort value as the database writes it in text (for cursors). */
    sortValues: string[];
  }>;
  /** The live row with this id. */
  find(id: string): Promise<Row | undefined>;
  /** Whether the parent row exists and is live (nested collections). */
  parentExists(id: string): Promise<boolean>;
  insert(values: Record<string, unknown>): Promise<Row>;
  /**
   * Locks the row (`FOR UPDATE`) in a transaction and runs `work` on it; `undefined` when there is
   * no such row (live only, unless `includeDeleted`). Whatever `work` throws rolls everything back.
   */
  withLockedRow<T>(
    id: string,
    options: { includeDeleted: boolean },
    work: (row: LockedRow<Row>) => Promise<T>,
  ): Promise<T | undefined>;
}

/** Builds the repository of a resource definition. */
export function createResourceRepository<Row extends BaseRecord>(
  database: Kysely<Database>,
  definition: ResourceDefinition<ResourceRouteSet, Row>,
): ResourceRepository<Row> {
  // One cast at the seam: the kit's queries name tables and columns held in the definition.
  const db = database as unknown as Kysely<LooseDatabase>;
  const { table, parent } = definition;
  const searchColumns = definition.searchColumns ?? [];
  // The record's columns: the declared ones (from the definition, never a client's input), or all.
  const { readColumns } = definition;
  type Selecting = SelectQueryBuilder<LooseDatabase, string, object>;
  const readRecord = (builder: Selecting, prefix?: string): Selecting =>
    readColumns === undefined
      ? builder.selectAll(prefix as never)
      : builder.select(readColumns.map((column) => (prefix ? `${prefix}.${column}` : column)) as never);

  function scoped<O>(
    builder: SelectQueryBuilder<LooseDatabase, string, O>,
    query: ListQuery,
  ): SelectQueryBuilder<LooseDatabase, string, O> {
    let result = builder;
    if (!query.includeDeleted) result = result.where('deleted_at', 'is', null);
    if (parent && query.parentId !== undefined) result = result.where(parent.column, '=', query.parentId);
    for (const filter of query.filters ?? []) result = result.where(filter.column, '=', filter.value);
    const { search } = query;
    if (search !== undefined && searchColumns.length > 0) {
      const pattern = likeSubstring(search);
      result = result.where((eb) => eb.or(searchColumns.map((column) => eb(column, 'ilike', pattern))));
    }
    const { keyset } = query;
    if (keyset !== undefined) {
      // A row comparison on (sort column, id) reads the (column, id) index from the boundary on.
      const operator = query.direction === 'desc' ? sql`<` : sql`>`;
      result = result.where(
        sql<boolean>`(${sql.ref(query.sortColumn)}, id) ${operator} (${keyset.value}, ${keyset.id})`,
      );
    }
    return result;
  }

  /** The scope's live-row counters summed (no scan), or undefined for a scope they do not cover. */
  function countersExpression(query: ListQuery) {
    const filtered = query.search !== undefined || (query.filters?.length ?? 0) > 0;
    if (!definition.countedRows || query.includeDeleted || filtered) return undefined;
    // The default scope: the triggers' counters, summed over their slots.
    const nested = parent !== undefined && query.parentId !== undefined;
    return database
      .selectFrom('row_counts')
      .select(sql<string>`coalesce(sum(live_rows), 0)`.as('total'))
      .where('table_name', '=', table)
      .where('scope_column', '=', nested ? parent.column : '')
      .where('scope_value', '=', nested ? (query.parentId ?? '') : '');
  }

  /** The exact total of a list's scope, as one scalar expression (`counters`: the scope's, if any). */
  function totalExpression(query: ListQuery, counters: ReturnType<typeof countersExpression>) {
    // count=none, and count=estimated on a filtered scope (estimated below), skip the exact count.
    if (query.count === 'none' || (query.count === 'estimated' && counters === undefined))
      return sql<string | null>`null`;
    if (counters !== undefined) return counters;
    // A filtered scope (search, filters, includeDeleted) is counted exactly, by scanning what it matches.
    return scoped(db.selectFrom(table).select(sql<string>`count(*)`.as('total')), query).$castTo<{
      total: string;
    }>();
  }

  /** The counted scope a total belongs to: the whole table, or one parent's rows. */
  const scopeKey = (query: ListQuery) => (parent !== undefined ? (query.parentId ?? '') : '');

  /** The last total each counted scope answered with, to tell which end a deep page is nearer. */
  const knownTotals = new Map<string, number>();

  function rememberTotal(query: ListQuery, total: number): void {
    const key = scopeKey(query);
    knownTotals.delete(key);
    knownTotals.set(key, total);
    // Bounded: a nested resource has a scope per parent.
    for (const oldest of knownTotals.keys()) {
      if (knownTotals.size <= KNOWN_TOTALS_LIMIT) break;
      knownTotals.delete(oldest);
    }
  }

  /**
   * The ids of one deep page (deferred join): skipped on the (covering) index alone. A page nearer
   * the end of its scope, by the last total seen, is read from the end: in the reverse order, with
   * its offset from the end taken from the counters in the same statement (so exact, whatever the
   * total is by now), and put back in order by the caller's ORDER BY. The last page of a million
   * rows, or one past the end, then skips a few rows instead of all of them.
   */
  function deepPageIds(query: ListQuery, counters: ReturnType<typeof countersExpression>) {
    const { sortColumn, direction, offset, limit } = query;
    const known = counters === undefined ? undefined : knownTotals.get(scopeKey(query));
    // The sort column and id, in the (column, id) index's order: the index-only scan then hands each
    // skipped entry on as it is, with no projection per row (7-10 % of the skip in pgbench).
    // Under another name, so the page's own column never makes the outer query's ambiguous.
    const ids = scoped(
      db.selectFrom(table).select([`${sortColumn} as tenet_page_sort`, 'id']),
      query,
    ).$castTo<{
      id: string;
    }>();
    if (counters === undefined || known === undefined || offset * 2 + limit <= known) {
      return ids.orderBy(sortColumn, direction).orderBy('id', direction).offset(offset).limit(limit);
    }
    const reversed = direction === 'desc' ? 'asc' : 'desc';
    // Rows [offset, offset + limit) of `total` are rows [total - offset - limit, total - offset)
    // counted from the end; past the end, none.
    const fromEnd = ids
      .orderBy(sortColumn, reversed)
      .orderBy('id', reversed)
      .offset(sql<number>`greatest((${counters}) - ${offset}::bigint - ${limit}::bigint, 0)`)
      .limit(sql<number>`greatest(least(${limit}::bigint, (${counters}) - ${offset}::bigint), 0)`);
    // The outer LIMIT tells the planner the page is small, so it looks up each row by id.
    return db.selectFrom(fromEnd.as('tenet_from_end')).select('tenet_from_end.id').limit(limit);
  }

  /** Whether the parent of a nested list is live, as one scalar expression. */
  function parentExpression(query: ListQuery) {
    if (parent === undefined || query.parentId === undefined) return sql<boolean>`true`;
    return sql<boolean>`exists (${db
      .selectFrom(parent.table)
      .select('id')
      .where('id', '=', query.parentId)
      .where('deleted_at', 'is', null)})`;
  }

  /** Keeps only rows whose parent is live: a soft-deleted author's posts are hidden with them. */
  function withLiveParent<O>(
    builder: SelectQueryBuilder<LooseDatabase, string, O>,
  ): SelectQueryBuilder<LooseDatabase, string, O> {
    if (parent === undefined) return builder;
    return builder.where(({ exists, selectFrom }) =>
      exists(
        selectFrom(`${parent.table} as tenet_parent`)
          .select('tenet_parent.id')
          .where('tenet_parent.deleted_at', 'is', null)
          .whereRef('tenet_parent.id', '=', `${table}.${parent.column}`),
      ),
    );
  }

  // Every single-item read runs this query: compiled once, not built and compiled per request.
  // On PostgreSQL it is also a prepared statement: parsed and planned once per connection.
  const findById = preparedQuery((param) =>
    withLiveParent(
      readRecord(db.selectFrom(table)).where('id', '=', param('id')).where('deleted_at', 'is', null),
    ),
  );

  return {
    async list(query) {
      const { sortColumn, direction } = query;
      // Built once per page: the total, and the offset of a page read from the end, both use it.
      const counters = countersExpression(query);
      const facts = [
        totalExpression(query, counters).as(TOTAL),
        parentExpression(query).as(PARENT_LIVE),
        sql<string>`${sql.ref(sortColumn)}::text`.as(SORT_VALUE),
      ] as const;
      // The total and the parent check ride along as scalar subqueries: one round trip per page.
      const rows =
        query.offset < DEFERRED_JOIN_MIN_OFFSET
          ? await scoped(readRecord(db.selectFrom(table)), query)
              .select(facts)
              .orderBy(sortColumn, direction)
              .orderBy('id', direction)
              .offset(query.offset)
              .limit(query.limit)
              .execute()
          : // Deferred join: skip the offset on the (covering) index alone, then read only the
            // page's rows, instead of fetching every skipped row from the table.
            await db
              .selectFrom(deepPageIds(query, counters).as('page'))
              .innerJoin(`${table} as record`, 'record.id', 'page.id')
              .$call((builder) => readRecord(builder as unknown as Selecting, 'record'))
              .select(facts)
              .orderBy(`record.${sortColumn}`, direction)
              .orderBy('record.id', direction)
              .execute();
      const first = rows[0];
      // A page past the end has no rows to carry the total: ask for it alone.
      const found = first ?? (await db.selectNoFrom(facts.slice(0, 2)).executeTakeFirstOrThrow());
      const records = rows.map(
        ({ [TOTAL]: _total, [PARENT_LIVE]: _parent, [SORT_VALUE]: _sort, ...record }) =>
          record as unknown as Row,
      );
      const sortValues = rows.map((row) => row[SORT_VALUE] as string);
      const parentFound = found[PARENT_LIVE] === true;
      if (found[TOTAL] !== null) {
        const totalItems = Number(found[TOTAL]);
        if (counters !== undefined) rememberTotal(query, totalItems);
        return { records, totalItems, exact: true, parentFound, sortValues };
      }
      const estimate =
        query.count === 'estimated'
          ? await estimateRows(
              db as unknown as Kysely<never>,
              scoped(db.selectFrom(table).select('id'), { ...query, keyset: undefined }),
            )
          : null;
      return { records, totalItems: estimate, exact: false, parentFound, sortValues };
    },

    async find(id) {
      const { rows } = await db.executeQuery(findById({ id }));
      return rows[0] as Row | undefined;
    },

    async parentExists(id) {
      if (!parent) return true;
      const row = await db
        .selectFrom(parent.table)
        .select('id')
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return row !== undefined;
    },

    async insert(values) {
      const insert = db.insertInto(table).values(values);
      // The same columns as every read (Kysely's types keep the two returning forms apart).
      const row = await (readColumns
        ? insert.returning(readColumns as never)
        : insert.returningAll()
      ).executeTakeFirstOrThrow();
      return row as Row;
    },

    async withLockedRow(id, options, work) {
      return db.transaction().execute(async (transaction) => {
        let select = readRecord(transaction.selectFrom(table)).where('id', '=', id);
        if (!options.includeDeleted) select = withLiveParent(select.where('deleted_at', 'is', null));
        const current = (await select.forUpdate().executeTakeFirst()) as Row | undefined;
        if (current === undefined) return undefined;
        return work({
          current,
          async update(changes) {
            const row = await transaction
              .updateTable(table)
              .set(changes)
              .where('id', '=', id)
              .$call((update) =>
                readColumns ? update.returning(readColumns as never) : update.returningAll(),
              )
              .executeTakeFirstOrThrow();
            return row as Row;
          },
          transaction: transaction as unknown as Kysely<Database>,
        });
      });
    },
  };
}
