/**
 * Authentication costs (DESIGN section 10), measured, never asserted:
 * 1. access-token verification on a DB-backed GET: the same route, public vs `access: 'user'`;
 * 2. a login flood (wrong passwords, hashing every time) against reads running at the same time.
 * The server runs in a child process so the load generator does not share its event loop.
 * Usage: npm run bench:auth  (PGlite in memory; with DATABASE_URL=postgres://… a scratch database is
 * made on that server and dropped afterwards)
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { z } from 'zod';
import { createTestDatabase, databaseUrl } from '../test/helpers.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);

async function serve(): Promise<void> {
  const { loadConfig } = await import('../src/config.ts');
  const { startServer } = await import('../src/app/server.ts');
  const { defineRoute } = await import('../src/protocol/contract.ts');
  const { defineModule } = await import('../src/kit/index.ts');
  const { insertAccount } = await import('../src/auth/account-repository.ts');
  const { hashPassword } = await import('../src/auth/passwords.ts');
  const config = loadConfig(
    {
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? 'memory://',
      PORT: '0',
      LOG_LEVEL: 'silent',
      LOGIN_RATE_LIMIT: '100000',
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmn',
      CSRF_SECRET: 'bench-csrf-secret-0123456789abcdefghijklm',
    },
    { cwd: '/tmp' },
  );
  const userRoute = (path: string, access: 'public' | 'user') =>
    defineRoute({
      method: 'GET',
      path,
      summary: 'bench',
      tags: ['bench'],
      access,
      query: z.object({ id: z.string() }),
      responses: { 200: z.object({ email: z.string() }) },
      errors: [],
    });
  let database: import('../src/db/connect.ts').DatabaseHandle | undefined;
  const handler = async ({ query }: { query: { id: string } }) => {
    const row = await database?.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', query.id)
      .executeTakeFirstOrThrow();
    return { status: 200 as const, data: { email: row?.email ?? '' } };
  };
  const server = await startServer(config, {
    modules: [
      defineModule({
        routes: {
          benchPublic: userRoute('/bench/public', 'public'),
          benchPrivate: userRoute('/bench/private', 'user'),
        },
        implement: () => ({ benchPublic: handler, benchPrivate: handler }),
      }),
    ],
  });
  database = server.database;
  process.send?.({ url: server.url });
  process.on('message', async (message: { email: string; password: string }) => {
    const user = await insertAccount(server.database.db, {
      email: message.email,
      passwordHash: await hashPassword(message.password),
      displayName: 'Bench',
    });
    process.send?.({ userId: user.id });
  });
}

async function load(options: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ duration: DURATION, ...options });
}

function rate(result: autocannon.Result): number {
  return Math.round(result.requests.average);
}

async function main(): Promise<void> {
  const scratch = await createTestDatabase();
  const child = fork(import.meta.filename, ['--serve'], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl(scratch.config) },
  });
  const [{ url }] = (await once(child, 'message')) as [{ url: string }];
  const email = 'bench@example.com';
  const password = 'bench-password-1';
  child.send({ email, password });
  const [{ userId }] = (await once(child, 'message')) as [{ userId: string }];
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');

  console.log(
    `auth bench: ${DURATION}s per run, database ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (memory)'}`,
  );
  const read = { url: `${url}/bench/public?id=${userId}`, connections: 10, headers: { cookie } };
  await load({ ...read, duration: 2 }); // warm-up
  // Alternate the two routes so drift (JIT, caches, the machine) falls on both alike.
  const openRates: number[] = [];
  const guardedRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    // Both send the session cookie, so the difference is the guard's work alone.
    openRates.push(rate(await load(read)));
    guardedRates.push(rate(await load({ ...read, url: `${url}/bench/private?id=${userId}` })));
  }
  const mean = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) / values.length);
  const open = mean(openRates);
  const guarded = mean(guardedRates);
  console.log(`DB-backed GET, public:                ${open} req/s (runs ${openRates.join(', ')})`);
  console.log(`DB-backed GET, verified access token: ${guarded} req/s (runs ${guardedRates.join(', ')})`);
  console.log(`verification cost: ${((1 - guarded / open) * 100).toFixed(1)}% of the DB-backed GET`);

  // The guard's own CPU per request, independent of load on the machine: verify() timed in process.
  const { createAccessTokens } = await import('../src/auth/access-tokens.ts');
  const tokens = createAccessTokens(['bench-jwt-secret-0123456789abcdefghijklmn'], 900);
  const identity = { userId: userId, role: 'user' as const, familyId: 'bench' };
  const perCall = (run: (i: number) => void, count: number) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) run(i);
    return Number(process.hrtime.bigint() - started) / count / 1000;
  };
  const fresh = Array.from({ length: 20_000 }, (_, i) => tokens.sign({ ...identity, familyId: `f${i}` }));
  const firstSight = perCall((i) => tokens.verify(fresh[i] ?? ''), fresh.length);
  const repeat = perCall((i) => tokens.verify(fresh[i % 1000] ?? ''), 200_000);
  const requestMicros = 1_000_000 / open;
  console.log(
    `verify(): ${firstSight.toFixed(2)} µs on first sight (signature check), ${repeat.toFixed(2)} µs on repeat; ` +
      `a DB-backed GET takes ${requestMicros.toFixed(0)} µs here, so a repeat request's verification is ` +
      `${((repeat / requestMicros) * 100).toFixed(2)}% of it (first sight ${((firstSight / requestMicros) * 100).toFixed(1)}%)`,
  );

  const flood = (options: autocannon.Options) =>
    Promise.all([load(read), load({ connections: 50, ...options })]);
  const [readsAlone] = [await load(read)];
  const [readsDuringLogins, logins] = await flood({
    url: `${url}/api/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'wrong-password' }),
  });
  const [readsDuringNoise] = await flood({ url: `${url}/api/nothing-here` });
  const statuses = logins.statusCodeStats as unknown as Record<string, { count: number }>;
  const count = (status: string) => statuses[status]?.count ?? 0;
  const share = (result: autocannon.Result) =>
    `${rate(result)} req/s (${Math.round((rate(result) / rate(readsAlone)) * 100)}% of reads alone), p99 ${result.latency.p99} ms`;
  console.log(`reads alone:                          ${share(readsAlone)}`);
  console.log(`login flood, 50 connections, wrong password: ${rate(logins)} answers/s`);
  console.log(
    `  401 after hashing: ${count('401')}; 503 refused at the bound: ${count('503')}; other: ${logins.non2xx - count('401') - count('503')}`,
  );
  console.log(`reads during the login flood:         ${share(readsDuringLogins)}`);
  console.log(`reads during an equal flood of 404s:  ${share(readsDuringNoise)}`);
  child.kill('SIGTERM');
  await once(child, 'exit');
  await scratch.drop();
}

if (process.argv.includes('--serve')) await serve();
else await main();
