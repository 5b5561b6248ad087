import type { Findings } from './findings.ts';
import type { Operation } from './openapi-document.ts';
import { describeExchange, type Exchange, type ProbeClient } from './probe-client.ts';

const PAGINATION_FIELDS = {
  page: 'number',
  pageSize: 'number',
  totalItems: 'number',
  totalPages: 'number',
  hasNextPage: 'boolean',
  hasPreviousPage: 'boolean',
} as const;

interface Page {
  items: unknown[];
  pagination: {
    page: number;
    pageSize: number;
    totalItems: number;
    totalPages: number;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  };
}

/** Reads a page: `page` when items and a pagination object are there, `problem` when anything is missing. */
function readPage(exchange: Exchange): { page?: Page; problem?: string } {
  if (exchange.status !== 200) return { problem: `status ${exchange.status}` };
  const data = (exchange.json as { data?: unknown } | undefined)?.data as Record<string, unknown> | undefined;
  if (!data || !Array.isArray(data.items)) return { problem: '`data.items` is not an array' };
  const pagination = data.pagination as Record<string, unknown> | undefined;
  if (!pagination || typeof pagination !== 'object') return { problem: 'no `data.pagination` object' };
  const missing = Object.entries(PAGINATION_FIELDS)
    .filter(([name, type]) => typeof pagination[name] !== type)
    .map(([name, type]) => `${name} (${type})`);
  return {
    page: data as unknown as Page,
    problem: missing.length > 0 ? `pagination lacks ${missing.join(', ')}` : undefined,
  };
}

function mathProblem(page: Page): string | undefined {
  const { page: number, pageSize, totalItems, totalPages, hasNextPage, hasPreviousPage } = page.pagination;
  if (typeof number !== 'number' || typeof pageSize !== 'number' || typeof totalItems !== 'number') {
    return 'page, pageSize or totalItems missing';
  }
  const expectedPages = pageSize > 0 ? Math.ceil(totalItems / pageSize) : Number.NaN;
  if (totalPages !== undefined && totalPages !== expectedPages)
    return `totalPages ${totalPages}, but ceil(${totalItems}/${pageSize}) = ${expectedPages}`;
  if (hasNextPage !== undefined && hasNextPage !== number < expectedPages)
    return `hasNextPage ${hasNextPage} on page ${number} of ${expectedPages}`;
  if (hasPreviousPage !== undefined && hasPreviousPage !== number > 1)
    return `hasPreviousPage ${hasPreviousPage} on page ${number}`;
  const expectedItems = Math.max(0, Math.min(pageSize, totalItems - (number - 1) * pageSize));
  if (page.items.length !== expectedItems)
    return `${page.items.length} items on page ${number}, expected ${expectedItems}`;
  return undefined;
}

function itemKey(item: unknown): string {
  const id = (item as { id?: unknown } | null)?.id;
  return JSON.stringify(id ?? item);
}

function sortValue(value: unknown): number | string | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)))
    return Date.parse(value);
  return undefined;
}

/** The query of a list request. */
function withQuery(path: string, query: Record<string, string | number>): string {
  const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
  return `${path}?${search.toString()}`;
}

/** Probes one list endpoint: the pagination object, its math, the parameters, order and bounds. */
export async function probeList(
  client: ProbeClient,
  findings: Findings,
  path: string,
  operation: Operation | undefined,
): Promise<void> {
  const first = await client.send({ method: 'GET', path });
  const request = describeExchange(first);
  if (first.status === 401 || first.status === 403) {
    for (const id of [
      'pagination.object',
      'pagination.math',
      'pagination.params',
      'pagination.sort',
      'pagination.stable',
    ] as const)
      findings.skip(id, `${request}: the list needs a session the check does not have`);
    return;
  }
  const read = (exchange: Exchange): Page | undefined => {
    const { page, problem } = readPage(exchange);
    findings.check('pagination.object', problem === undefined, {
      request: describeExchange(exchange),
      seen: problem ?? 'items and the full pagination object',
    });
    if (page) {
      const problem = mathProblem(page);
      findings.check('pagination.math', problem === undefined, {
        request: describeExchange(exchange),
        seen: problem ?? 'consistent',
      });
    }
    return page;
  };
  const defaults = read(first);
  if (!defaults) return;

  const small = await client.send({ method: 'GET', path: withQuery(path, { page: 1, pageSize: 2 }) });
  const smallPage = read(small);
  if (smallPage) {
    const honoured =
      smallPage.pagination.page === 1 && smallPage.pagination.pageSize === 2 && smallPage.items.length <= 2;
    findings.check('pagination.params', honoured, {
      request: describeExchange(small),
      seen: `page ${smallPage.pagination.page}, pageSize ${smallPage.pagination.pageSize}, ${smallPage.items.length} items`,
    });
  }

  // Duplicates and gaps: pages of 2 laid end to end must equal one page holding them all.
  const total = Math.min(defaults.pagination.totalItems ?? defaults.items.length, 10);
  if (total < 3) {
    findings.skip('pagination.stable', `${request}: fewer than 3 items to page through`);
  } else {
    const whole = read(
      await client.send({ method: 'GET', path: withQuery(path, { page: 1, pageSize: total }) }),
    );
    const pieces: unknown[] = [];
    let last: Exchange | undefined;
    for (let number = 1; number <= Math.ceil(total / 2); number += 1) {
      last = await client.send({ method: 'GET', path: withQuery(path, { page: number, pageSize: 2 }) });
      const piece = read(last);
      if (piece) pieces.push(...piece.items);
    }
    if (whole && last) {
      const expected = whole.items.slice(0, total).map(itemKey);
      const seen = pieces.slice(0, total).map(itemKey);
      const duplicates = seen.filter((key, index) => seen.indexOf(key) !== index);
      const missing = expected.filter((key) => !seen.includes(key));
      const ok = duplicates.length === 0 && missing.length === 0;
      findings.check('pagination.stable', ok, {
        request: `GET ${path}?page=1..${Math.ceil(total / 2)}&pageSize=2 vs pageSize=${total}`,
        seen: ok
          ? `${total} items, each once`
          : `${duplicates.length > 0 ? `repeated ${duplicates.join(', ')}` : ''}${duplicates.length > 0 && missing.length > 0 ? '; ' : ''}${missing.length > 0 ? `missing ${missing.join(', ')}` : ''}`,
      });
    }
  }

  // Order: pick a time field the API declares sortable, else createdAt.
  const sortable = operation?.query.get('sortBy')?.enum;
  const sortBy = Array.isArray(sortable)
    ? (['createdAt', 'updatedAt', 'id'].find((field) => sortable.includes(field)) ?? String(sortable[0]))
    : 'createdAt';
  const orders: Partial<Record<'asc' | 'desc', { keys: string[]; exchange: Exchange }>> = {};
  for (const order of ['asc', 'desc'] as const) {
    const exchange = await client.send({
      method: 'GET',
      path: withQuery(path, { sortBy, sortOrder: order, pageSize: 10 }),
    });
    const page = read(exchange);
    if (!page) {
      findings.fail('pagination.sort', {
        request: describeExchange(exchange),
        seen: `sortBy=${sortBy}&sortOrder=${order} not answered with a page`,
      });
      continue;
    }
    orders[order] = { keys: page.items.map(itemKey), exchange };
    const values = page.items.map((item) => sortValue((item as Record<string, unknown> | null)?.[sortBy]));
    if (values.length < 2 || values.some((value) => value === undefined)) {
      findings.skip(
        'pagination.sort',
        `${describeExchange(exchange)}: too few items, or ${sortBy} not comparable`,
      );
      continue;
    }
    const sorted = values.every((value, index) => {
      if (index === 0) return true;
      const previous = values[index - 1] as number | string;
      return order === 'asc'
        ? previous <= (value as number | string)
        : previous >= (value as number | string);
    });
    findings.check('pagination.sort', sorted, {
      request: describeExchange(exchange),
      seen: sorted ? `items in ${order} ${sortBy} order` : `items not in ${order} ${sortBy} order`,
    });
  }

  // Whatever the values, asc and desc over the same several items cannot come back in one order.
  const { asc, desc } = orders;
  if (asc && desc && asc.keys.length >= 2 && new Set(asc.keys).size === asc.keys.length) {
    const same = asc.keys.join() === desc.keys.join();
    findings.check('pagination.sort', !same, {
      request: `${describeExchange(asc.exchange)} vs sortOrder=desc`,
      seen: same ? 'the same order for asc and desc: sortOrder is ignored' : 'asc and desc differ',
    });
  }

  const maxPageSize = Number(operation?.query.get('pageSize')?.maximum ?? 100);
  const outOfRange: Array<Record<string, string | number>> = [
    { page: 0 },
    { page: -1 },
    { page: 'abc' },
    { pageSize: 0 },
    { pageSize: maxPageSize + 1 },
    { sortOrder: 'sideways' },
    { sortBy: '__proto__' },
  ];
  for (const query of outOfRange) {
    const exchange = await client.send({ method: 'GET', path: withQuery(path, query) });
    findings.check('pagination.out-of-range', exchange.status === 400, {
      request: describeExchange(exchange),
      seen: exchange.status === 400 ? 'refused with 400' : `answered ${exchange.status}, not 400`,
    });
  }
}
