import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../db/schema.ts';
import type { RouteSpec } from '../protocol/contract.ts';

/** The routes of a resource as `defineResourceRoutes` declares them (`create` is optional). */
export interface ResourceRouteSet {
  readonly list: RouteSpec & { readonly query: z.ZodType<{ sortBy: string }> };
  readonly get: RouteSpec & { readonly responses: { readonly 200: z.ZodType<{ id: string }> } };
  readonly create?: RouteSpec & { readonly body: z.ZodType };
  readonly update: RouteSpec & { readonly body: z.ZodType };
  readonly replace: RouteSpec & { readonly body: z.ZodType };
  readonly remove: RouteSpec;
  readonly restore: RouteSpec;
}

/** Every record the kit handles has an id and the soft-delete column. */
export interface BaseRecord {
  id: string;
  deleted_at: Date | null;
}

/** The camelCase fields a resource's list may sort by. */
export type SortField<Routes extends ResourceRouteSet> = z.output<Routes['list']['query']>['sortBy'];

type BodyFields<Routes extends ResourceRouteSet> =
  | keyof z.output<Routes['replace']['body']>
  | (Routes['create'] extends { body: z.ZodType } ? keyof z.output<Routes['create']['body']> : never);

/** The representation a resource answers with. */
export type Representation<Routes extends ResourceRouteSet> = z.input<Routes['get']['responses'][200]>;

/**
 * One resource on the kit: its routes (the contract) plus how they are stored. Give it to
 * {@link defineResourceStorage}, then pass the result to `implementResource`.
 */
export interface ResourceDeclaration<Routes extends ResourceRouteSet, Row extends BaseRecord> {
  routes: Routes;
  /** The table, in the spec's conventions: uuid-compatible `id`, timestamps, `deleted_at`. */
  table: string;
  /** The representation: picks fields one by one and renames them; nothing else leaves. */
  toApi(record: Row): Representation<Routes>;
  /**
   * The columns a record is read with: those `toApi` and `onDelete` read (`id`, `deleted_at`, the
   * owner and parent columns are always added). Leave out to read every column (`select *`).
   * Listing them keeps the others (a password hash) out of every read and costs less per row.
   */
  selectColumns?: readonly (keyof Row & string)[];
  /** The column behind each sortable camelCase field. */
  sortColumns: { readonly [F in SortField<Routes>]: string };
  /** The column behind each field of the create and update bodies. */
  fieldColumns: { readonly [F in BodyFields<Routes>]: string };
  /** The column behind each equality filter of the list (`?userId=` -> `user_id`). */
  filterColumns?: Readonly<Record<string, string>>;
  /** Columns `search` matches as a case-insensitive substring (any of them). */
  searchColumns?: readonly string[];
  /**
   * The column naming the user who owns a record: writes are allowed to that user or an admin
   * (`id` for users themselves, `user_id` for posts). Leave out for no owner rule.
   */
  ownerColumn?: string;
  /**
   * For a nested collection (`/api/users/:id/posts`): the column holding the parent's id (the
   * path's `:id`) and the parent's table; the parent must exist and be live.
   */
  parent?: { column: string; table: string };
  /**
   * Whether the table's migration attaches the `count_live_rows` triggers (with the parent column
   * as argument when nested), so the default list's total is read from `row_counts`, not counted.
   * @default false
   */
  countedRows?: boolean;
  /** Makes the id of a new record in the app (posts: a monotonic ULID); else the column default. */
  newId?: () => string;
  /** Runs in the delete's transaction after the soft delete (users: revoke their sessions). */
  onDelete?: (transaction: Kysely<Database>, record: Row) => Promise<void>;
}

/** A checked declaration with its lookups built: column names only ever come from these Maps. */
export interface ResourceDefinition<Routes extends ResourceRouteSet, Row extends BaseRecord>
  extends ResourceDeclaration<Routes, Row> {
  readonly sortColumnByField: ReadonlyMap<string, string>;
  readonly columnByField: ReadonlyMap<string, string>;
  readonly filterColumnByField: ReadonlyMap<string, string>;
  /** The columns every read and write returns, or `undefined` for all of them. */
  readonly readColumns: readonly string[] | undefined;
}

const COLUMN = /^[a-z][a-z0-9_]{0,62}$/;

function checkColumn(resource: string, column: string): void {
  if (!COLUMN.test(column)) throw new Error(`${resource}: "${column}" is not a snake_case column name`);
}

/**
 * Checks a resource declaration and builds its lookups. The client's `sortBy` and body keys are
 * mapped to columns through Maps built here, never by indexing a plain object (`__proto__`).
 */
export function defineResourceStorage<Routes extends ResourceRouteSet, Row extends BaseRecord>(
  declaration: ResourceDeclaration<Routes, Row>,
): ResourceDefinition<Routes, Row> {
  const { table } = declaration;
  checkColumn(table, table);
  const sortColumnByField = new Map<string, string>(Object.entries(declaration.sortColumns));
  const columnByField = new Map<string, string>(Object.entries(declaration.fieldColumns));
  const filterColumnByField = new Map<string, string>(Object.entries(declaration.filterColumns ?? {}));
  if (sortColumnByField.get('createdAt') !== 'created_at') {
    throw new Error(`${table}: sortColumns must map createdAt to created_at (the default order)`);
  }
  const columns = [
    ...sortColumnByField.values(),
    ...columnByField.values(),
    ...filterColumnByField.values(),
    ...(declaration.searchColumns ?? []),
    ...(declaration.ownerColumn ? [declaration.ownerColumn] : []),
    ...(declaration.parent ? [declaration.parent.column, declaration.parent.table] : []),
  ];
  const readColumns =
    declaration.selectColumns === undefined
      ? undefined
      : [
          ...new Set([
            'id',
            'deleted_at',
            ...(declaration.ownerColumn ? [declaration.ownerColumn] : []),
            ...(declaration.parent ? [declaration.parent.column] : []),
            ...declaration.selectColumns,
          ]),
        ];
  for (const column of [...columns, ...(readColumns ?? [])]) checkColumn(table, column);
  return Object.freeze({
    ...declaration,
    sortColumnByField,
    columnByField,
    filterColumnByField,
    readColumns,
  });
}
