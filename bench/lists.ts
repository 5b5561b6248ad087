/**
 * List throughput at a million rows (DESIGN section 10), measured, never asserted.
 * Seeds BENCH_ROWS users (default 1,000,000) and as many posts (BENCH_HEAVY_POSTS of them by one
 * author) in a scratch database on the DATABASE_URL server, then loads page 1 and page 500:
 * - tenet: the real app (`GET /api/users`, `GET /api/users/:id/posts`, signed in), counters + deferred join;
 * - kit: the same kit queries in a bare Fastify + pg route (no auth, no envelope work beyond tenet's);
 * - naive: bare Fastify + pg, `COUNT(*)` + `OFFSET … LIMIT` on the same schema and indexes;
 * - naive, no total: the same without the count, i.e. what the total costs the naive way.
 * The servers run in a child process so the load generator does not share their event loop.
 * Usage: DATABASE_URL=postgres://… npm run bench:lists   (BENCH_ROWS, BENCH_SECONDS to change the size)
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import autocannon from 'autocannon';
import pg from 'pg';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const HEAVY_POSTS = Number(process.env.BENCH_HEAVY_POSTS ?? 50_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 10;
const PAGE_SIZE = 20;
const DEEP_PAGE = 500;

interface Row {
  [column: string]: unknown;
}

/** The bare baseline's camelCase item: what every variant sends, so only the queries differ. */
function camel(row: Row): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'password_hash' || key === 'deleted_at') continue;
    item[key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase())] =
      value instanceof Date ? value.toISOString() : value;
  }
  return item;
}

function envelope(items: unknown[], page: number, totalItems: number | null) {
  const totalPages = totalItems === null ? null : Math.ceil(totalItems / PAGE_SIZE);
  return {
    success: true,
    data: {
      items,
      pagination: { page, pageSize: PAGE_SIZE, totalItems, totalPages, hasPreviousPage: page > 1 },
    },
    meta: { requestId: randomBytes(8).toString('hex'), timestamp: new Date().toISOString() },
  };
}

async function serve(): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const { Kysely, PostgresDialect } = await import('kysely');
  const { loadConfig } = await import('../src/config.ts');
  const { startServer } = await import('../src/app/server.ts');
  const { createResourceRepository } = await import('../src/kit/resource-repository.ts');
  const { defineUserResource } = await import('../src/app/users/user-resource.ts');
  const userResource = defineUserResource(async () => {});
  const { postResource } = await import('../src/app/posts/post-resource.ts');
  const { userToApi } = await import('../src/auth/account.ts');
  const { postToApi } = await import('../src/app/posts/post-representation.ts');
  const url = process.env.BENCH_DATABASE_URL ?? '';
  const config = loadConfig(
    {
      DATABASE_URL: url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      ACCESS_TOKEN_TTL: '86400',
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmn',
      CSRF_SECRET: 'bench-csrf-secret-0123456789abcdefghijklm',
    },
    { cwd: '/tmp' },
  );
  const tenet = await startServer(config);

  // The baseline: bare Fastify on its own pg pool of the same size, no auth, no validation library.
  const pool = new pg.Pool({
    connectionString: url,
    max: config.database.kind === 'postgres' ? config.database.poolSize : 10,
  });
  const db = new Kysely<import('../src/db/schema.ts').Database>({ dialect: new PostgresDialect({ pool }) });
  const users = createResourceRepository(db, userResource);
  const posts = createResourceRepository(db, postResource);
  const bare = Fastify();
  const page = (query: unknown) => Number((query as { page?: string }).page ?? 1);
  const kitList = (parentId: string | undefined, pageNumber: number) => ({
    sortColumn: 'created_at',
    direction: 'desc' as const,
    offset: (pageNumber - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
    search: undefined,
    includeDeleted: false,
    parentId,
  });
  bare.get('/kit/users', async (request) => {
    const result = await users.list(kitList(undefined, page(request.query)));
    return envelope(result.records.map(userToApi), page(request.query), result.totalItems);
  });
  bare.get('/kit/users/:id/posts', async (request) => {
    const { id } = request.params as { id: string };
    const result = await posts.list(kitList(id, page(request.query)));
    return envelope(result.records.map(postToApi), page(request.query), result.totalItems);
  });
  const naive = async (
    table: string,
    where: string,
    parameters: unknown[],
    query: unknown,
    count: boolean,
  ) => {
    const offset = (page(query) - 1) * PAGE_SIZE;
    const rows = await pool.query(
      `select * from ${table} where ${where} order by created_at desc, id desc limit ${PAGE_SIZE} offset $${parameters.length + 1}`,
      [...parameters, offset],
    );
    const total = count
      ? Number((await pool.query(`select count(*) from ${table} where ${where}`, parameters)).rows[0].count)
      : null;
    return envelope(rows.rows.map(camel), page(query), total);
  };
  bare.get('/naive/users', async (request) =>
    naive(
      'users',
      'deleted_at is null',
      [],
      request.query,
      (request.query as { total?: string }).total !== 'no',
    ),
  );
  bare.get('/naive/users/:id/posts', async (request) =>
    naive(
      'posts',
      'user_id = $1 and deleted_at is null',
      [(request.params as { id: string }).id],
      request.query,
      (request.query as { total?: string }).total !== 'no',
    ),
  );
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ tenet: tenet.url, bare: bareUrl });
  process.on('SIGTERM', async () => {
    await bare.close();
    await db.destroy();
    await tenet.stop();
    process.exit(0);
  });
}

interface Measured {
  name: string;
  rate: number;
  p50: number;
  p99: number;
}

async function measure(name: string, url: string, headers: Record<string, string>): Promise<Measured> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return {
    name,
    rate: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** Fetches a page once and returns its item ids and total, to check every variant agrees. */
async function probe(url: string, headers: Record<string, string>) {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as {
    data: { items: Array<{ id: string }>; pagination: { totalItems: number } };
  };
  return { ids: body.data.items.map((item) => item.id).join(','), total: body.data.pagination.totalItems };
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl?.startsWith('postgres'))
    throw new Error(
      'Set DATABASE_URL to a PostgreSQL server: the bench makes and drops its own database there',
    );
  const { connectDatabase } = await import('../src/db/connect.ts');
  const { migrateUp } = await import('../src/db/migrate.ts');
  const { hashPassword } = await import('../src/auth/passwords.ts');
  const { SEED_PASSWORD } = await import('../src/cli/seed-command.ts');
  const { analyzeSeededTables, seedPosts, seedUsers } = await import('../src/db/seed-repository.ts');
  const { uuidToUlid } = await import('../src/protocol/ids.ts');

  const name = `tenet_bench_lists_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let child: import('node:child_process').ChildProcess | undefined;
  try {
    const database = await connectDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 });
    await migrateUp(database);
    const tag = 'bench';
    let started = performance.now();
    const userIds = await seedUsers(database.db, {
      count: ROWS,
      passwordHash: await hashPassword(SEED_PASSWORD),
      tag,
    });
    const userSeconds = (performance.now() - started) / 1000;
    const heavy = userIds[0] ?? '';
    started = performance.now();
    await seedPosts(database.db, { count: HEAVY_POSTS, userIds: [heavy] });
    await seedPosts(database.db, { count: ROWS - HEAVY_POSTS, userIds });
    const postSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await analyzeSeededTables(database.db);
    const analyzeSeconds = (performance.now() - started) / 1000;
    await database.close();
    const rowsPerSecond = (rows: number, seconds: number) =>
      Math.round(rows / seconds).toLocaleString('en-US');
    console.log(
      `seed: ${ROWS.toLocaleString('en-US')} users in ${userSeconds.toFixed(1)} s (${rowsPerSecond(ROWS, userSeconds)} rows/s), ` +
        `${ROWS.toLocaleString('en-US')} posts in ${postSeconds.toFixed(1)} s (${rowsPerSecond(ROWS, postSeconds)} rows/s), ` +
        `vacuum analyze ${analyzeSeconds.toFixed(1)} s`,
    );

    child = fork(import.meta.filename, ['--serve'], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_DATABASE_URL: url.toString() },
    });
    const [servers] = (await once(child, 'message')) as [{ tenet: string; bare: string }];
    const login = await fetch(`${servers.tenet}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `seed-${tag}-2@example.com`, password: SEED_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const signedIn = { cookie };

    const lists = [
      { label: 'users', tenet: '/api/users', bare: '/users' },
      {
        label: `posts of one author (${HEAVY_POSTS.toLocaleString('en-US')})`,
        tenet: `/api/users/${heavy}/posts`,
        bare: `/users/${heavy}/posts`,
      },
    ];
    console.log(
      `lists bench: ${DURATION} s per run, ${CONNECTIONS} connections, pageSize ${PAGE_SIZE}, PostgreSQL`,
    );
    for (const list of lists) {
      const variants = (pageNumber: number) => [
        {
          name: 'tenet',
          url: `${servers.tenet}${list.tenet}?page=${pageNumber}&pageSize=${PAGE_SIZE}`,
          headers: signedIn,
        },
        { name: 'kit', url: `${servers.bare}/kit${list.bare}?page=${pageNumber}`, headers: {} },
        { name: 'naive', url: `${servers.bare}/naive${list.bare}?page=${pageNumber}`, headers: {} },
        {
          name: 'naive, no total',
          url: `${servers.bare}/naive${list.bare}?page=${pageNumber}&total=no`,
          headers: {},
        },
      ];
      // Every variant must answer the same page: same items in the same order, the same total.
      for (const pageNumber of [1, DEEP_PAGE]) {
        const answers = await Promise.all(
          variants(pageNumber)
            .slice(0, 3)
            .map((variant) => probe(variant.url, variant.headers)),
        );
        const ids = answers.map((answer, index) =>
          list.label === 'users' || index === 0
            ? answer.ids
            : answer.ids
                .split(',')
                .map((id) => (id.length === 36 ? uuidToUlid(id) : id))
                .join(','),
        );
        if (new Set(ids).size !== 1 || new Set(answers.map((answer) => answer.total)).size !== 1) {
          throw new Error(`${list.label} page ${pageNumber}: the variants disagree`);
        }
      }
      // Warm-up: JIT, caches and pools, on every variant, before anything is measured.
      for (const variant of variants(1)) {
        await autocannon({
          url: variant.url,
          connections: CONNECTIONS,
          duration: 2,
          headers: variant.headers,
        });
      }
      const results = new Map<string, Measured>();
      for (const pageNumber of [1, DEEP_PAGE]) {
        for (const variant of variants(pageNumber)) {
          const key = `${variant.name} p${pageNumber}`;
          results.set(key, await measure(key, variant.url, variant.headers));
        }
      }
      const get = (key: string) => results.get(key)?.rate ?? Number.NaN;
      const ratio = (a: string, b: string) => `${(get(a) / get(b)).toFixed(2)}x`;
      console.log(`\n${list.label}, ${ROWS.toLocaleString('en-US')} rows in the table`);
      for (const measured of results.values()) {
        console.log(
          `  ${measured.name.padEnd(22)} ${String(measured.rate).padStart(6)} req/s  p50 ${measured.p50} ms  p99 ${measured.p99} ms`,
        );
      }
      console.log(
        `  page ${DEEP_PAGE} / page 1:  tenet ${ratio(`tenet p${DEEP_PAGE}`, 'tenet p1')}, kit ${ratio(`kit p${DEEP_PAGE}`, 'kit p1')}, naive ${ratio(`naive p${DEEP_PAGE}`, 'naive p1')}, naive no total ${ratio(`naive, no total p${DEEP_PAGE}`, 'naive, no total p1')}`,
      );
      for (const pageNumber of [1, DEEP_PAGE]) {
        console.log(
          `  page ${pageNumber}: kit / naive ${ratio(`kit p${pageNumber}`, `naive p${pageNumber}`)}, ` +
            `kit / naive no total ${ratio(`kit p${pageNumber}`, `naive, no total p${pageNumber}`)}, ` +
            `naive / naive no total ${ratio(`naive p${pageNumber}`, `naive, no total p${pageNumber}`)} (what COUNT(*) costs), ` +
            `tenet / kit ${ratio(`tenet p${pageNumber}`, `kit p${pageNumber}`)} (auth, validation, envelope)`,
        );
      }
    }
  } finally {
    if (child) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
