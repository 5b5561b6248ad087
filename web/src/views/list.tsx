import { useLayoutEffect, useState } from 'preact/hooks';
import type { AnyResult } from '../../../src/client/index.ts';
import { call } from '../api.ts';
import { OfflineBanner, ResultPanel, View } from '../components.tsx';
import {
  type Contract,
  itemSchema,
  labelOf,
  nonNull,
  PAGING_PARAMETERS,
  type Schema,
  titleField,
} from '../contract.ts';
import { type Flash, navigate, paths } from '../router.ts';
import { useSession } from '../session.ts';
import { stateOf } from '../state.ts';
import { handleCommon, useLoad } from '../use-load.ts';

type Pagination = NonNullable<Page['pagination']>;

/** The query of the page before (-1) or after (1): by number in offset mode, by cursor once on one. */
function neighbour(pagination: Pagination, step: 1 | -1): Record<string, string | undefined> {
  if (pagination.page !== null) return { page: String(pagination.page + step), cursor: undefined };
  return { cursor: (step === 1 ? pagination.nextCursor : pagination.prevCursor) ?? undefined };
}

/** "Page 2 of 3 · 45 in all", leaving out what the count mode did not compute. */
function pagerText(pagination: Pagination): string {
  const where =
    pagination.page === null
      ? 'This page'
      : pagination.totalPages === null
        ? `Page ${pagination.page}`
        : `Page ${pagination.page} of ${Math.max(pagination.totalPages, 1)}`;
  return pagination.totalItems === null ? where : `${where} · ${pagination.totalItems} in all`;
}

interface Page {
  items: Record<string, unknown>[];
  pagination?: {
    /** null when the page was reached by a cursor. */
    page: number | null;
    pageSize: number;
    /** null when the count mode is `none` (or an estimate was not possible). */
    totalItems: number | null;
    totalPages: number | null;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    nextCursor?: string | null;
    prevCursor?: string | null;
  };
}

/** Columns: the sortable fields first, then the other plain fields, at most six, without the id. */
function columnsOf(item: Schema | null, sortable: string[]): string[] {
  const names = Object.keys(item?.properties ?? {}).filter((name) => {
    const type = nonNull(item?.properties?.[name] ?? {}).type;
    return (
      name !== 'id' && (type === 'string' || type === 'boolean' || type === 'integer' || type === 'number')
    );
  });
  const title = titleField(item);
  const ordered = [title, ...sortable, ...names].filter(
    (name, index, all) => names.includes(name) && all.indexOf(name) === index,
  );
  return ordered
    .filter((name) => (nonNull(item?.properties?.[name] ?? {}).maxLength ?? 0) <= 1000)
    .slice(0, 6);
}

/** Shows a value in a cell or a definition. */
export function display(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return new Date(value).toLocaleString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A resource's list: table, paging, sort, search, filters, all in the URL's query. */
export function ListView(props: {
  contract: Contract;
  resource: string;
  parent?: { resource: string; id: string };
  search: string;
  flash: Flash;
}) {
  const { me, online } = useSession();
  const { contract, resource, parent } = props;
  const operations = parent
    ? contract.resources[parent.resource]?.children[resource]
    : contract.resources[resource]?.operations;
  const list = operations?.list;
  const create = operations?.create;
  const own = contract.resources[resource]?.operations;
  const query = Object.fromEntries(new URLSearchParams(props.search));
  const base = parent ? paths.nested(parent.resource, parent.id, resource) : paths.list(resource);
  const { result, reload } = useLoad(`${base}?${props.search}`, (signal) =>
    list
      ? call(list, { params: parent ? { id: parent.id } : {}, query, signal })
      : Promise.resolve<AnyResult>({
          kind: 'notFound',
          status: 404,
          code: null,
          message: 'No such list',
          details: {},
          requestId: null,
        }),
  );
  const [writeResult, setWriteResult] = useState<AnyResult | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const rendered = result?.kind === 'success';
  // A layout effect runs in the same commit as the rows reach the DOM: the mark is there as soon as
  // they are (a plain effect waits for the next frame, and the end-to-end test could look first).
  useLayoutEffect(() => {
    // Time to first render of a list's rows, read by the end-to-end test and the closing report.
    if (rendered && performance.getEntriesByName(`console:list:${resource}`).length === 0) {
      performance.mark(`console:list:${resource}`);
    }
  }, [rendered]);

  const title = parent
    ? `${labelOf(resource)} of ${parent.resource.replace(/s$/, '')} ${parent.id.slice(0, 8)}`
    : labelOf(resource);
  const page: Page | null =
    result?.kind === 'success' || result?.kind === 'empty'
      ? (result.data as Page)
      : result?.kind === 'offline' && result.cached
        ? (result.cached.data as Page)
        : null;
  let state = stateOf(writeResult && writeResult.kind !== 'success' ? writeResult : result);
  if (props.flash && (state === 'success' || state === 'empty')) state = props.flash.state;
  if (!online && page) state = 'offline';

  const pagination = page?.pagination ?? null;

  const setQuery = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(props.search);
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(name);
      else next.set(name, value);
    }
    // A new sort or filter starts again at the first page: no page number, no cursor.
    if (!('page' in changes)) next.delete('page');
    if (!('cursor' in changes)) next.delete('cursor');
    const text = next.toString();
    navigate(text ? `${base}?${text}` : base);
  };

  const parameter = (name: string) => list?.query.find((entry) => entry.name === name);
  const sortable = (parameter('sortBy')?.schema.enum ?? []).map(String);
  const filters = list?.query.filter((entry) => !PAGING_PARAMETERS.includes(entry.name)) ?? [];
  const item = itemSchema(list);
  const columns = columnsOf(item, sortable);
  const titleName = titleField(item);
  const isAdmin = me?.role === 'admin';
  const sortBy = query.sortBy ?? String(parameter('sortBy')?.schema.default ?? '');
  const sortOrder = query.sortOrder ?? String(parameter('sortOrder')?.schema.default ?? 'desc');
  const restore = own?.restore;

  const doRestore = async (id: string) => {
    if (!restore) return;
    const answer = await call(restore, { params: { id } });
    handleCommon(answer);
    setWriteResult(answer);
    if (answer.kind === 'success' || answer.kind === 'noContent') {
      setNotice('Restored.');
      reload();
    }
  };

  return (
    <View
      state={state}
      title={title}
      actions={
        create ? (
          <a class="button" href={parent ? `${base}/new` : `${base}/new`} aria-disabled={!online}>
            New {resource.replace(/s$/, '')}
          </a>
        ) : null
      }
    >
      {result?.kind === 'offline' && result.cached ? (
        <OfflineBanner receivedAt={result.cached.receivedAt} />
      ) : (
        <OfflineBanner />
      )}
      {props.flash || notice ? (
        <p class="toast" role="status">
          {notice ?? props.flash?.message}
        </p>
      ) : null}
      {list ? (
        <search>
          <form
            class="toolbar"
            onSubmit={(event) => {
              event.preventDefault();
              const data = new FormData(event.currentTarget);
              const changes: Record<string, string | undefined> = {};
              for (const [name, value] of data.entries()) changes[name] = String(value);
              if (parameter('includeDeleted') && isAdmin)
                changes.includeDeleted = data.get('includeDeleted') ? 'true' : undefined;
              setQuery(changes);
            }}
          >
            {parameter('search') ? (
              <div class="field">
                <label for="list-search">Search</label>
                <input id="list-search" name="search" type="search" defaultValue={query.search ?? ''} />
              </div>
            ) : null}
            {filters.map((filter) => {
              const schema = nonNull(filter.schema);
              const id = `filter-${filter.name}`;
              const options = schema.enum ?? (schema.type === 'boolean' ? ['true', 'false'] : null);
              return (
                <div class="field" key={filter.name}>
                  <label for={id}>{labelOf(filter.name)}</label>
                  {options ? (
                    <select id={id} name={filter.name} defaultValue={query[filter.name] ?? ''}>
                      <option value="">Any</option>
                      {options.map((option) => (
                        <option key={String(option)} value={String(option)}>
                          {String(option)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input id={id} name={filter.name} defaultValue={query[filter.name] ?? ''} />
                  )}
                </div>
              );
            })}
            {parameter('includeDeleted') && isAdmin ? (
              <div class="field field-check">
                <input
                  id="list-deleted"
                  name="includeDeleted"
                  type="checkbox"
                  defaultChecked={query.includeDeleted === 'true'}
                />
                <label for="list-deleted">Include deleted</label>
              </div>
            ) : null}
            <button type="submit">Apply</button>
          </form>
        </search>
      ) : null}
      {writeResult && writeResult.kind !== 'success' && writeResult.kind !== 'noContent' ? (
        <ResultPanel
          result={writeResult}
          onRetry={() => setWriteResult(null)}
          what={resource.replace(/s$/, '')}
        />
      ) : null}
      {page ? (
        page.items.length === 0 ? (
          <div class="empty">
            <h2>Nothing here</h2>
            <p>
              {query.search ? `No ${resource} match “${query.search}”.` : `There are no ${resource} yet.`}
            </p>
          </div>
        ) : (
          <>
            <table>
              <caption class="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  {columns.map((column) => (
                    <th
                      key={column}
                      scope="col"
                      aria-sort={
                        sortBy === column ? (sortOrder === 'asc' ? 'ascending' : 'descending') : undefined
                      }
                    >
                      {sortable.includes(column) ? (
                        <button
                          type="button"
                          class="sort"
                          onClick={() =>
                            setQuery({
                              sortBy: column,
                              sortOrder: sortBy === column && sortOrder === 'asc' ? 'desc' : 'asc',
                            })
                          }
                        >
                          {labelOf(column)}
                          <span aria-hidden="true">
                            {sortBy === column ? (sortOrder === 'asc' ? ' ▲' : ' ▼') : ''}
                          </span>
                        </button>
                      ) : (
                        labelOf(column)
                      )}
                    </th>
                  ))}
                  {restore && isAdmin ? <th scope="col">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {page.items.map((row) => (
                  <tr key={String(row.id)} class={row.deletedAt ? 'deleted' : undefined}>
                    {columns.map((column) => (
                      <td key={column}>
                        {column === titleName ? (
                          <a href={paths.detail(resource, String(row.id))}>{display(row[column])}</a>
                        ) : (
                          display(row[column])
                        )}
                      </td>
                    ))}
                    {restore && isAdmin ? (
                      <td>
                        {/* Without a deletedAt field the row may be deleted or not: the server decides. */}
                        {row.deletedAt || (!('deletedAt' in row) && query.includeDeleted === 'true') ? (
                          <button type="button" disabled={!online} onClick={() => doRestore(String(row.id))}>
                            Restore
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
            {pagination ? (
              <nav class="pager" aria-label="Pages">
                <button
                  type="button"
                  disabled={!pagination.hasPreviousPage}
                  onClick={() => setQuery(neighbour(pagination, -1))}
                >
                  Previous
                </button>
                <span>{pagerText(pagination)}</span>
                <button
                  type="button"
                  disabled={!pagination.hasNextPage}
                  onClick={() => setQuery(neighbour(pagination, 1))}
                >
                  Next
                </button>
              </nav>
            ) : null}
          </>
        )
      ) : (
        <ResultPanel result={result} onRetry={reload} what={`list of ${resource}`} />
      )}
    </View>
  );
}
