import { z } from 'zod';
import { camelToSnake } from '../protocol/case.ts';
import type { Contract } from '../protocol/contract.ts';
import { isoTimestampSchema } from '../protocol/envelope.ts';
import type { Implementations } from '../protocol/handler.ts';
import { createUlidGenerator, ulidSchema, ulidToUuid, uuidSchema, uuidToUlid } from '../protocol/ids.ts';
import { defineResourceRoutes, filterSchema, type ResourceAccess } from '../protocol/resource-routes.ts';
import type { AppModule, AppServices } from './module.ts';
import { type BaseRecord, defineResourceStorage } from './resource-definition.ts';
import { implementResource } from './resource-handlers.ts';

/** `userId` -> `user_id`, as a type: the column a camelCase field is stored in by default. */
export type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;

type ColumnOf<F, Columns> = F extends keyof Columns ? Columns[F] : F extends string ? SnakeCase<F> : never;

/** Each field whose column is not in the table's row type turns into an error message naming it. */
type CheckedColumns<Shape, Row, Columns> = {
  [F in keyof Shape]: ColumnOf<F, Columns> extends keyof Row
    ? Shape[F]
    : `no column "${ColumnOf<F, Columns> & string}" in the table`;
};

/** How a resource's ids are made and shown: UUID (the column's default) or ULID (made by the app). */
export type IdStrategy = 'uuid' | 'ulid';

type IdSchema<Id extends IdStrategy> = Id extends 'ulid' ? typeof ulidSchema : typeof uuidSchema;

/** The one declaration of a resource: representation, bodies, list options, owner, parent, ids. */
export interface ResourceSpec<
  DB,
  Table extends keyof DB & string,
  Name extends string,
  Plural extends string,
  Fields extends z.core.$ZodShape,
  Create extends z.core.$ZodShape,
  Update extends keyof Create & string,
  Sort extends keyof Fields & string,
  Filter extends keyof Fields & string,
  Columns extends Readonly<Record<string, keyof DB[Table] & string>>,
  ParentName extends string,
  Id extends IdStrategy,
> {
  /** The singular noun, lower camelCase: `'project'` (route names `getProject`, tag `projects`). */
  name: Name;
  /** @default `${name}s` */
  plural?: Plural;
  /** The table, checked against the database types (a typo fails `tsc`). */
  table: Table;
  /** @default 'uuid' */
  id?: Id;
  /** The representation besides `id`, `createdAt` and `updatedAt`, which every resource has. */
  fields: Fields & CheckedColumns<Fields, DB[Table], Columns>;
  /** The create body (strict: unknown fields are refused). */
  create: Create & CheckedColumns<Create, DB[Table], Columns>;
  /** The fields PATCH and PUT change. @default every create field */
  update?: readonly Update[];
  /** Fields `sortBy` accepts besides `createdAt` (the default) and `updatedAt`. */
  sortable?: readonly Sort[];
  /** Fields `search` matches, case-insensitively. */
  searchable?: readonly (keyof Fields & string)[];
  /** Fields a list filters by equality (`?userId=`). */
  filters?: readonly Filter[];
  /** The field holding the owning user's id: writes are the owner's or an admin's; set from the caller on create. */
  owner?: keyof Fields & string;
  /** Nests the collection under a parent (`/api/users/:id/posts`): its singular name, table and the field holding its id. */
  parent?: { name: ParentName; table: keyof DB & string; field: keyof Fields & string };
  /** Who may call each operation. @default signed-in users, restore by admins */
  access?: Partial<ResourceAccess>;
  /** Columns that differ from the snake_case of their field (`{ title: 'headline' }`). */
  columns?: Columns;
  /** The OpenAPI tag's description. */
  description?: string;
  /** Whether the migration attaches the `count_live_rows` triggers, so the default total is read, not counted. */
  countedRows?: boolean;
}

type Cap<S extends string> = Capitalize<S>;

/** The names of a resource's routes, by what they do. */
type RouteNames<Name extends string, Plural extends string, ParentName extends string> = {
  list: [ParentName] extends [never] ? `list${Cap<Plural>}` : `list${Cap<ParentName>}${Cap<Plural>}`;
  create: `create${Cap<Name>}`;
  get: `get${Cap<Name>}`;
  update: `update${Cap<Name>}`;
  replace: `replace${Cap<Name>}`;
  remove: `delete${Cap<Name>}`;
  restore: `restore${Cap<Name>}`;
};

type ItemShape<Fields extends z.core.$ZodShape, Id extends IdStrategy> = {
  id: IdSchema<Id>;
  createdAt: typeof isoTimestampSchema;
  updatedAt: typeof isoTimestampSchema;
} & Fields;

/** The updatable fields, each required (the PUT body; PATCH takes any subset). */
type RequiredShape<Shape, Keys extends keyof Shape> = {
  [K in Keys]: Shape[K] extends z.ZodOptional<infer Inner extends z.ZodType> ? Inner : Shape[K];
};

type FilterShape<Fields extends z.core.$ZodShape, Filter extends keyof Fields> = {
  [F in Filter]: ReturnType<typeof filterSchema>;
};

type KitRoutes<
  Fields extends z.core.$ZodShape,
  Create extends z.core.$ZodShape,
  Update extends keyof Create & string,
  Sort extends string,
  Filter extends keyof Fields & string,
  Id extends IdStrategy,
> = ReturnType<
  typeof defineResourceRoutes<
    z.ZodObject<ItemShape<Fields, Id>>,
    z.ZodObject<Create, z.core.$strict>,
    RequiredShape<Create, Update>,
    Sort | 'updatedAt',
    z.ZodObject<{ id: z.ZodType<string, string> }>,
    string,
    string,
    z.ZodObject<{ id: typeof uuidSchema }> | undefined,
    FilterShape<Fields, Filter>
  >
>;

/** A resource's routes under their names: `{ listProjects, createProject, getProject, … }`. */
export type ResourceContract<
  Routes,
  Name extends string,
  Plural extends string,
  ParentName extends string,
> = {
  readonly [A in keyof RouteNames<Name, Plural, ParentName> & keyof Routes as RouteNames<
    Name,
    Plural,
    ParentName
  >[A]]: Routes[A];
};

/** A resource on the kit: its named routes (part of the app's contract) and their implementation. */
export interface Resource<C extends Contract> extends AppModule<C> {
  /** The table the resource is stored in. */
  readonly table: string;
}

const DEFAULT_ACCESS: ResourceAccess = { read: 'user', create: 'user', write: 'user', restore: 'admin' };

function capitalize(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/**
 * Declares a resource in one object, checked against the database types `DB` (generated from the
 * migrations by `tenet db types`): routes with pagination, sort, search, filters, soft delete,
 * restore, owner rule, ETag and If-Match, their OpenAPI and client types, and the handlers.
 * Curried so that `DB` is given and everything else is inferred: `defineResource<DB>()({ … })`.
 */
export function defineResource<DB>() {
  return <
    const Table extends keyof DB & string,
    const Name extends string,
    Fields extends z.core.$ZodShape,
    Create extends z.core.$ZodShape,
    const Columns extends Readonly<Record<string, keyof DB[Table] & string>> = Record<never, never>,
    const Update extends keyof Create & string = keyof Create & string,
    const Sort extends keyof Fields & string = never,
    const Filter extends keyof Fields & string = never,
    const ParentName extends string = never,
    const Id extends IdStrategy = 'uuid',
    const Plural extends string = `${Name}s`,
  >(
    spec: ResourceSpec<
      DB,
      Table,
      Name,
      Plural,
      Fields,
      Create,
      Update,
      Sort,
      Filter,
      Columns,
      ParentName,
      Id
    >,
  ): Resource<
    ResourceContract<KitRoutes<Fields, Create, Update, Sort, Filter, Id>, Name, Plural, ParentName>
  > => buildResource(spec as unknown as LooseSpec) as never;
}

/** The declaration as the run-time code reads it. */
interface LooseSpec {
  name: string;
  plural?: string;
  table: string;
  id?: IdStrategy;
  fields: z.core.$ZodShape;
  create: z.core.$ZodShape;
  update?: readonly string[];
  sortable?: readonly string[];
  searchable?: readonly string[];
  filters?: readonly string[];
  owner?: string;
  parent?: { name: string; table: string; field: string };
  access?: Partial<ResourceAccess>;
  columns?: Readonly<Record<string, string>>;
  description?: string;
  countedRows?: boolean;
}

function buildResource(spec: LooseSpec): Resource<Contract> {
  const plural = spec.plural ?? `${spec.name}s`;
  const column = (field: string) => spec.columns?.[field] ?? camelToSnake(field);
  const ulid = spec.id === 'ulid';
  const idSchema = ulid ? ulidSchema : uuidSchema;
  // A ULID is shown in the API and stored as the uuid of the same 128 bits.
  const pathId = ulid ? ulidSchema.transform((value) => ulidToUuid(value)) : uuidSchema;
  const item = z.object({
    id: idSchema,
    ...spec.fields,
    createdAt: isoTimestampSchema,
    updatedAt: isoTimestampSchema,
  });
  const updatable = spec.update ?? Object.keys(spec.create);
  // PUT sends every updatable field: one optional on create is required here (null stays allowed).
  const fieldsSchema = z.strictObject(
    Object.fromEntries(
      updatable.map((field) => {
        const schema = spec.create[field] as z.ZodType;
        return [field, schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema];
      }),
    ),
  );
  const filters = Object.fromEntries(
    (spec.filters ?? []).map((field) => [field, filterSchema(spec.fields[field] as z.ZodType)]),
  );
  const parent = spec.parent;
  const access: ResourceAccess = { ...DEFAULT_ACCESS, ...spec.access };
  const itemPath = `/api/${plural}/:id`;
  const routes = defineResourceRoutes({
    name: spec.name,
    tag: plural,
    collectionPath: parent ? `/api/${parent.table}/:id/${plural}` : `/api/${plural}`,
    collectionParams: parent ? z.object({ id: uuidSchema }) : undefined,
    parent: parent?.table,
    itemPath,
    itemParams: z.object({ id: pathId }),
    item,
    create: z.strictObject(spec.create),
    fields: fieldsSchema,
    sortable: ['createdAt', 'updatedAt', ...(spec.sortable ?? [])],
    search: spec.searchable?.length ? spec.searchable.join(', ') : undefined,
    filters: filters as Record<never, never>,
    access,
    owner: spec.owner ? `the owner (${spec.owner}) or an admin` : undefined,
  });
  const name = capitalize(spec.name);
  const names: Record<keyof typeof routes, string> = {
    list: parent ? `list${capitalize(parent.name)}${capitalize(plural)}` : `list${capitalize(plural)}`,
    create: `create${name}`,
    get: `get${name}`,
    update: `update${name}`,
    replace: `replace${name}`,
    remove: `delete${name}`,
    restore: `restore${name}`,
  };
  const itemFields = Object.keys(item.shape);
  const nextUlid = createUlidGenerator();
  const storage = defineResourceStorage({
    routes,
    table: spec.table,
    // The representation: each declared field read from its column; nothing else leaves.
    toApi: (record: BaseRecord) => {
      const row = record as unknown as Record<string, unknown>;
      const data: Record<string, unknown> = {};
      for (const field of itemFields) {
        const value = row[column(field)];
        data[field] = value instanceof Date ? value.toISOString() : value;
      }
      if (ulid) data.id = uuidToUlid(String(data.id));
      return data as never;
    },
    // Only what the representation shows is read: a column it does not show (a secret) never is.
    selectColumns: itemFields.map(column) as never,
    sortColumns: Object.fromEntries(
      ['createdAt', 'updatedAt', ...(spec.sortable ?? [])].map((field) => [field, column(field)]),
    ) as never,
    fieldColumns: Object.fromEntries(
      Object.keys(spec.create).map((field) => [field, column(field)]),
    ) as never,
    filterColumns: Object.fromEntries((spec.filters ?? []).map((field) => [field, column(field)])),
    searchColumns: (spec.searchable ?? []).map(column),
    ownerColumn: spec.owner ? column(spec.owner) : undefined,
    parent: parent ? { column: column(parent.field), table: parent.table } : undefined,
    countedRows: spec.countedRows ?? false,
    // ULIDs from a monotonic generator keep rows made in the same millisecond in creation order.
    newId: ulid ? () => ulidToUuid(nextUlid()) : undefined,
  });
  const contract = Object.freeze(
    Object.fromEntries(
      Object.entries(names).map(([action, routeName]) => [routeName, routes[action as keyof typeof routes]]),
    ),
  ) as Contract;
  return Object.freeze({
    table: spec.table,
    routes: contract,
    tagDescriptions: spec.description ? { [plural]: spec.description } : undefined,
    implement(services: AppServices): Implementations<Contract> {
      const handlers = implementResource(services.database, storage) as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(names).map(([action, routeName]) => [routeName, handlers[action]]),
      ) as Implementations<Contract>;
    },
  });
}
