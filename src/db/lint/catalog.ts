import type { SqlSession } from '../connect.ts';

/** One column as the catalog shows it. */
export interface CatalogColumn {
  readonly name: string;
  /** `format_type()` of the column: `timestamp with time zone`, `character varying(255)`, `uuid[]`. */
  readonly type: string;
  /** The same for a domain's base type (equal to `type` when the column is not a domain). */
  readonly baseType: string;
  readonly notNull: boolean;
  /** The default expression as PostgreSQL prints it (`now()`, `uuid_generate_v4()`), or null. */
  readonly default: string | null;
  /** `always` or `by default` for an identity column. */
  readonly identity: 'always' | 'by default' | null;
  /** The sequence a `serial` column owns (a `nextval()` default on an owned, non-identity sequence). */
  readonly serialSequence: string | null;
}

/** One index, including those behind primary key and unique constraints. */
export interface CatalogIndex {
  readonly name: string;
  /** Key columns in order; `null` for an expression. */
  readonly columns: readonly (string | null)[];
  readonly unique: boolean;
  readonly primary: boolean;
  /** The `WHERE` of a partial index, as PostgreSQL prints it (`(deleted_at IS NULL)`), or null. */
  readonly predicate: string | null;
  /** The constraint the index backs (primary key, unique, exclusion), or null. */
  readonly constraint: string | null;
  readonly definition: string;
}

/** One table constraint (NOT NULL constraints excluded). */
export interface CatalogConstraint {
  readonly name: string;
  readonly kind: 'primary key' | 'unique' | 'foreign key' | 'check' | 'exclusion';
  readonly columns: readonly string[];
  readonly definition: string;
  /** For a foreign key: the referenced table (schema-qualified outside `public`) and columns. */
  readonly references: { readonly table: string; readonly columns: readonly string[] } | null;
}

/** One user trigger. */
export interface CatalogTrigger {
  readonly name: string;
  readonly timing: 'before' | 'after' | 'instead of';
  readonly events: readonly ('insert' | 'update' | 'delete' | 'truncate')[];
  readonly forEachRow: boolean;
  /** `UPDATE OF` columns; empty when it fires on any update. */
  readonly updateColumns: readonly string[];
  readonly functionName: string;
  readonly functionLanguage: string;
  /** The function's source (`prosrc`): its body for plpgsql and sql, its symbol for C. */
  readonly functionSource: string;
  readonly arguments: readonly string[];
}

/** One table with everything the rules look at. */
export interface CatalogTable {
  /** The name findings use: `users`, or `audit.events` outside the `public` schema. */
  readonly qualifiedName: string;
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly CatalogColumn[];
  readonly indexes: readonly CatalogIndex[];
  readonly constraints: readonly CatalogConstraint[];
  readonly triggers: readonly CatalogTrigger[];
}

/** What `tenet db lint` knows of a database: read once, then only plain objects. */
export interface Catalog {
  /** `server_version_num`, such as 170004. */
  readonly serverVersion: number;
  readonly extensions: readonly string[];
  /** Whether `gen_random_uuid()` exists (core since PostgreSQL 13, or pgcrypto). */
  readonly hasGenRandomUuid: boolean;
  readonly tables: readonly CatalogTable[];
}

/** Qualifies a table name the way findings and configuration write it. */
export function qualifiedName(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}

// Objects that belong to an extension (deptype 'e') are the extension's business, not the schema's.
const NOT_FROM_EXTENSION = `not exists (
  select 1 from pg_depend d
  where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`;

const TABLES = `
  select n.nspname as schema, c.relname as name
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and not c.relispartition and n.nspname = any($1::text[])
    and ${NOT_FROM_EXTENSION}
  order by 1, 2`;

const COLUMNS = `
  select n.nspname as schema, c.relname as table_name, a.attname as name,
    format_type(a.atttypid, a.atttypmod) as type,
    format_type(coalesce(nullif(t.typbasetype, 0), a.atttypid), case when t.typbasetype <> 0 then t.typtypmod else a.atttypmod end) as base_type,
    a.attnotnull as not_null, pg_get_expr(ad.adbin, ad.adrelid) as default_expression,
    a.attidentity as identity,
    (select s.relname from pg_depend d join pg_class s on s.oid = d.objid
      where d.classid = 'pg_class'::regclass and d.refobjid = c.oid and d.refobjsubid = a.attnum
        and s.relkind = 'S' and d.deptype = 'a' limit 1) as serial_sequence
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid
  join pg_namespace n on n.oid = c.relnamespace
  join pg_type t on t.oid = a.atttypid
  left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
  where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p') and n.nspname = any($1::text[])
  order by 1, 2, a.attnum`;

const INDEXES = `
  select n.nspname as schema, c.relname as table_name, i.relname as name,
    x.indisunique as is_unique, x.indisprimary as is_primary,
    pg_get_expr(x.indpred, x.indrelid) as predicate, pg_get_indexdef(x.indexrelid) as definition,
    array(
      select a.attname from unnest(x.indkey::int2[]) with ordinality as k(num, ord)
      left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.num
      where k.ord <= x.indnkeyatts order by k.ord)::text[] as columns,
    (select con.conname from pg_constraint con
      where con.conindid = x.indexrelid and con.conrelid = x.indrelid and con.contype in ('p', 'u', 'x')
      limit 1) as constraint_name
  from pg_index x
  join pg_class i on i.oid = x.indexrelid
  join pg_class c on c.oid = x.indrelid
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any($1::text[])
  order by 1, 2, 3`;

const CONSTRAINTS = `
  select n.nspname as schema, c.relname as table_name, con.conname as name, con.contype as kind,
    pg_get_constraintdef(con.oid) as definition,
    array(
      select a.attname from unnest(con.conkey) with ordinality as k(num, ord)
      join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num order by k.ord)::text[] as columns,
    fn.nspname as ref_schema, fc.relname as ref_table,
    array(
      select a.attname from unnest(con.confkey) with ordinality as k(num, ord)
      join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num order by k.ord)::text[] as ref_columns
  from pg_constraint con
  join pg_class c on c.oid = con.conrelid
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_class fc on fc.oid = con.confrelid
  left join pg_namespace fn on fn.oid = fc.relnamespace
  where con.contype in ('p', 'u', 'f', 'c', 'x') and n.nspname = any($1::text[])
  order by 1, 2, 3`;

const TRIGGERS = `
  select n.nspname as schema, c.relname as table_name, t.tgname as name, t.tgtype::int as type,
    p.proname as function_name, l.lanname as function_language, p.prosrc as function_source,
    array(select a.attname from unnest(t.tgattr::int2[]) as k(num)
      join pg_attribute a on a.attrelid = t.tgrelid and a.attnum = k.num)::text[] as update_columns,
    encode(t.tgargs, 'escape') as arguments
  from pg_trigger t
  join pg_class c on c.oid = t.tgrelid
  join pg_namespace n on n.oid = c.relnamespace
  join pg_proc p on p.oid = t.tgfoid
  join pg_language l on l.oid = p.prolang
  where not t.tgisinternal and n.nspname = any($1::text[])
  order by 1, 2, 3`;

type Row = Record<string, unknown>;

const CONSTRAINT_KINDS: Record<string, CatalogConstraint['kind']> = {
  p: 'primary key',
  u: 'unique',
  f: 'foreign key',
  c: 'check',
  x: 'exclusion',
};

const text = (value: unknown): string => String(value);
const nullableText = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);
const textArray = (value: unknown): (string | null)[] =>
  Array.isArray(value) ? value.map(nullableText) : [];
const names = (value: unknown): string[] => textArray(value).filter((item): item is string => item !== null);

/** Decodes `pg_trigger.tgtype` (bit 0 row, 1 before, 2 insert, 3 delete, 4 update, 5 truncate, 6 instead). */
function triggerShape(type: number): Pick<CatalogTrigger, 'timing' | 'events' | 'forEachRow'> {
  const events: CatalogTrigger['events'][number][] = [];
  if (type & 4) events.push('insert');
  if (type & 8) events.push('delete');
  if (type & 16) events.push('update');
  if (type & 32) events.push('truncate');
  return {
    timing: type & 64 ? 'instead of' : type & 2 ? 'before' : 'after',
    events,
    forEachRow: (type & 1) === 1,
  };
}

/** Trigger arguments are stored NUL-separated; `encode(…, 'escape')` prints NUL as `\000`. */
function triggerArguments(value: unknown): string[] {
  const encoded = nullableText(value) ?? '';
  if (encoded === '') return [];
  return encoded.split('\\000').filter((part, index, parts) => index < parts.length - 1 || part !== '');
}

/** Reads the catalog of the given schemas once, into plain objects the rules can walk. */
export async function readCatalog(session: SqlSession, schemas: readonly string[]): Promise<Catalog> {
  const parameters = [schemas];
  const [version] = await session.query<Row>('select current_setting($1)::int as version', [
    'server_version_num',
  ]);
  const extensions = await session.query<Row>('select extname from pg_extension order by 1');
  const [genRandomUuid] = await session.query<Row>(
    `select exists(select 1 from pg_proc where proname = 'gen_random_uuid') as present`,
  );
  const tableRows = await session.query<Row>(TABLES, parameters);
  const columnRows = await session.query<Row>(COLUMNS, parameters);
  const indexRows = await session.query<Row>(INDEXES, parameters);
  const constraintRows = await session.query<Row>(CONSTRAINTS, parameters);
  const triggerRows = await session.query<Row>(TRIGGERS, parameters);

  const keyOf = (row: Row) => qualifiedName(text(row.schema), text(row.table_name));
  const group = <T>(rows: readonly Row[], map: (row: Row) => T): Map<string, T[]> => {
    const grouped = new Map<string, T[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const list = grouped.get(key) ?? [];
      list.push(map(row));
      grouped.set(key, list);
    }
    return grouped;
  };

  const columns = group<CatalogColumn>(columnRows, (row) => ({
    name: text(row.name),
    type: text(row.type),
    baseType: text(row.base_type),
    notNull: row.not_null === true,
    default: nullableText(row.default_expression),
    identity: row.identity === 'a' ? 'always' : row.identity === 'd' ? 'by default' : null,
    serialSequence: row.identity === 'a' || row.identity === 'd' ? null : nullableText(row.serial_sequence),
  }));
  const indexes = group<CatalogIndex>(indexRows, (row) => ({
    name: text(row.name),
    columns: textArray(row.columns),
    unique: row.is_unique === true,
    primary: row.is_primary === true,
    predicate: nullableText(row.predicate),
    constraint: nullableText(row.constraint_name),
    definition: text(row.definition),
  }));
  const constraints = group<CatalogConstraint>(constraintRows, (row) => ({
    name: text(row.name),
    kind: CONSTRAINT_KINDS[text(row.kind)] ?? 'check',
    columns: names(row.columns),
    definition: text(row.definition),
    references:
      row.kind === 'f'
        ? { table: qualifiedName(text(row.ref_schema), text(row.ref_table)), columns: names(row.ref_columns) }
        : null,
  }));
  const triggers = group<CatalogTrigger>(triggerRows, (row) => ({
    name: text(row.name),
    ...triggerShape(Number(row.type)),
    updateColumns: names(row.update_columns),
    functionName: text(row.function_name),
    functionLanguage: text(row.function_language),
    functionSource: text(row.function_source),
    arguments: triggerArguments(row.arguments),
  }));

  return {
    serverVersion: Number(version?.version),
    extensions: extensions.map((row) => text(row.extname)),
    hasGenRandomUuid: genRandomUuid?.present === true,
    tables: tableRows.map((row) => {
      const key = qualifiedName(text(row.schema), text(row.name));
      return {
        qualifiedName: key,
        schema: text(row.schema),
        name: text(row.name),
        columns: columns.get(key) ?? [],
        indexes: indexes.get(key) ?? [],
        constraints: constraints.get(key) ?? [],
        triggers: triggers.get(key) ?? [],
      };
    }),
  };
}
