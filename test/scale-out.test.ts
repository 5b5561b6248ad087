import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { loadMigrations, MIGRATIONS_TABLE } from '../src/db/migrate.ts';
import { createTestDatabase, engine, serverUrl, type TestDatabase } from './helpers.ts';
import { ApiClient, randomClientIp, uniqueEmail } from './support/api-client.ts';
import {
  errorLogLines,
  freePort,
  sleep,
  startTenet,
  summarizeLogLine,
  type TenetProcess,
} from './support/processes.ts';
import { type Service, startHaproxy, startPgBouncer } from './support/services.ts';

// Three `tenet start` processes behind HAProxy (round-robin), sharing one PostgreSQL through
// PgBouncer in transaction pooling mode, and Redis: production's shape. PostgreSQL pass only.
const skip =
  engine === 'pglite' &&
  'needs PostgreSQL, PgBouncer and HAProxy; runs in the PostgreSQL pass (DATABASE_URL)';
const ADMIN_EMAIL = 'first-admin@example.com';
const SOAK_SECONDS = 30;
const SOAK_CONNECTIONS = 100;
const SOAK_WARM_UP_SECONDS = 10;

let testDatabase: TestDatabase;
let directUrl = '';
let pgbouncer: (Service & { url(database: string): string }) | undefined;
let balancer: (Service & { url: string }) | undefined;
let instances: TenetProcess[] = [];

before(async () => {
  if (skip) return;
  // In the PostgreSQL pass a missing binary fails the run: CI installs them (.ci/run).
  for (const binary of ['haproxy', 'pgbouncer']) {
    execFileSync('sh', ['-c', `command -v ${binary} || test -x /usr/sbin/${binary}`]);
  }
  testDatabase = await createTestDatabase();
  directUrl = testDatabase.config.kind === 'postgres' ? testDatabase.config.url : '';
  pgbouncer = await startPgBouncer(serverUrl ?? '');
  // The balancer's origin is the one browsers would use: production requires it as PUBLIC_URL.
  const balancerPort = await freePort();
  const environment = {
    NODE_ENV: 'production',
    PUBLIC_URL: `http://127.0.0.1:${balancerPort}`,
    DATABASE_URL: pgbouncer.url(new URL(directUrl).pathname.slice(1)),
    DATABASE_DIRECT_URL: directUrl,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: 'redis://127.0.0.1:6379',
    JWT_SECRET: 'scale-jwt-secret-0123456789abcdefghijklmnop',
    CSRF_SECRET: 'scale-csrf-secret-0123456789abcdefghijklmno',
    // HAProxy appends the client's address to X-Forwarded-For; only the proxy on loopback is trusted.
    TRUST_PROXY: '127.0.0.1',
    LOGIN_RATE_LIMIT: '5',
    ADMIN_EMAIL,
    ADMIN_PASSWORD: 'first-admin-password',
    MAX_EVENT_LOOP_DELAY: '0',
  };
  // The three start at the same moment: migrations and the first-admin bootstrap race.
  const started = await Promise.allSettled([1, 2, 3].map(() => startTenet(environment)));
  instances = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failures = started.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
  if (failures.length > 0) throw new Error(`an instance did not come up:\n${failures.join('\n')}`);
  balancer = await startHaproxy(
    instances.map((instance) => instance.port),
    balancerPort,
  );
});

after(async () => {
  await balancer?.stop();
  for (const instance of instances) await instance.stop('SIGTERM');
  await pgbouncer?.stop();
  if (!skip) await testDatabase.drop();
});

function client(): ApiClient {
  return new ApiClient(balancer?.url ?? '');
}

async function directQuery<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
  const connection = new pg.Client({ connectionString: directUrl });
  await connection.connect();
  try {
    return (await connection.query<R>(text, params)).rows;
  } finally {
    await connection.end();
  }
}

/** How many requests to `path` each instance logged. */
function requestsPerInstance(path: string): number[] {
  return instances.map(
    (instance) =>
      instance
        .output()
        .split('\n')
        .filter((line) => line.includes(`"url":"${path}"`)).length,
  );
}

/** Resident memory of a process, in kB, from /proc. */
function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN);
}

describe('three instances behind HAProxy, PostgreSQL through PgBouncer (transaction mode), Redis (PostgreSQL pass only)', {
  skip,
}, () => {
  test('the three started at the same moment all came up; migrations applied once, one first admin', async () => {
    assert.equal(instances.length, 3);
    for (const instance of instances) assert.ok(instance.alive, instance.output());
    const applied = await directQuery<{ name: string }>(`select name from ${MIGRATIONS_TABLE} order by name`);
    assert.deepEqual(
      applied.map((row) => row.name),
      loadMigrations().map((migration) => migration.name),
    );
    const admins = await directQuery<{ role: string }>('select role from users where email = $1', [
      ADMIN_EMAIL,
    ]);
    assert.deepEqual(admins, [{ role: 'admin' }]);
    const health = await client().call('GET', '/api/health');
    assert.equal(health.status, 200);
    for (const instance of instances)
      assert.deepEqual(errorLogLines(instance.output()).map(summarizeLogLine), []);
  });

  test('the whole flow through the balancer: sign-up, login, me, refresh, CRUD, logout', async () => {
    const user = client();
    const email = uniqueEmail('flow');
    const userId = await user.signUpAndLogin(email, 'flow-password-1');
    assert.equal((await user.call('GET', '/api/auth/me')).body.data.email, email);
    const refreshed = await user.call('POST', '/api/auth/refresh');
    assert.equal(refreshed.status, 200, refreshed.text);
    const created = await user.call('POST', `/api/users/${userId}/posts`, { title: 'hello', body: 'world' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.data.id;
    for (let round = 0; round < 3; round++) {
      assert.equal((await user.call('GET', `/api/posts/${id}`)).body.data.title, 'hello');
    }
    const patched = await user.call('PATCH', `/api/posts/${id}`, { title: 'hello again' });
    assert.equal(patched.status, 200, patched.text);
    const list = await user.call('GET', `/api/users/${userId}/posts`);
    assert.deepEqual(
      list.body.data.items.map((post: { title: string }) => post.title),
      ['hello again'],
    );
    assert.equal((await user.call('DELETE', `/api/posts/${id}`)).status, 204);
    assert.equal((await user.call('GET', `/api/posts/${id}`)).status, 404);
    assert.equal((await user.call('POST', '/api/auth/logout')).status, 204);
    assert.equal((await user.call('GET', '/api/auth/me')).status, 401);
  });

  test('10 concurrent refreshes of one session, spread over the instances: one successor, nobody logged out', async () => {
    const user = client();
    const userId = await user.signUpAndLogin();
    const before = requestsPerInstance('/api/auth/refresh');
    const tabs = Array.from({ length: 10 }, () => user.clone());
    const answers = await Promise.all(tabs.map((tab) => tab.call('POST', '/api/auth/refresh')));
    for (const answer of answers) assert.equal(answer.status, 200, answer.text);
    const spread = requestsPerInstance('/api/auth/refresh').map(
      (count, index) => count - (before[index] ?? 0),
    );
    assert.ok(spread.filter((count) => count > 0).length >= 2, `refreshes reached ${spread.join('/')}`);
    const tokens = await directQuery<{ used: boolean; revoked: boolean }>(
      `select used_at is not null as used, revoked_at is not null as revoked from refresh_tokens
       where user_id = $1 order by created_at`,
      [userId],
    );
    assert.deepEqual(tokens, [
      { used: true, revoked: false },
      { used: false, revoked: false },
    ]);
    assert.equal(
      new Set(tabs.map((tab) => tab.jar.get('refresh_token'))).size,
      1,
      'every tab holds the successor',
    );
    for (const tab of tabs) assert.equal((await tab.call('GET', '/api/auth/me')).status, 200);
  });

  test('a logout on one instance is honoured by the others within 1 s', async () => {
    const user = client();
    await user.signUpAndLogin();
    const stolen = user.clone();
    assert.equal((await user.call('POST', '/api/auth/logout')).status, 204);
    await sleep(1_000);
    for (const instance of instances) {
      const copy = stolen.clone();
      copy.base = instance.url;
      assert.equal((await copy.call('GET', '/api/auth/me')).status, 401, `instance ${instance.port}`);
    }
  });

  test('login limits are shared by the instances (Redis)', async () => {
    const owner = client();
    const email = uniqueEmail('limit');
    await owner.signUpAndLogin(email, 'limit-password-1');
    const attacker = new ApiClient(balancer?.url ?? '', randomClientIp());
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      statuses.push(
        (await attacker.call('POST', '/api/auth/login', { email, password: 'wrong-password' })).status,
      );
    }
    // Each instance alone would have seen two or three attempts, under the limit of 5.
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
  });

  test('413 for a body over the limit, answered while the body still arrives, reaches the client through HAProxy', async () => {
    const target = new URL(balancer?.url ?? '');
    const send = (size: number, chunked: boolean, pauseMs: number) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const headers: Record<string, string | number> = {
          'content-type': 'application/json',
          'x-forwarded-for': randomClientIp(),
        };
        if (!chunked) headers['content-length'] = size;
        const outgoing = request(
          { host: target.hostname, port: target.port, method: 'POST', path: '/api/users', headers },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk) => {
              body += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
            response.on('error', reject);
          },
        );
        // Without the fix the balancer loses the answer: EPIPE or "socket hang up" here.
        outgoing.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const pump = () => {
          if (sent >= size) {
            outgoing.end();
            return;
          }
          sent += chunk.length;
          if (!outgoing.write(chunk)) outgoing.once('drain', pump);
          else if (pauseMs > 0) setTimeout(pump, pauseMs);
          else setImmediate(pump);
        };
        pump();
      });
    const MiB = 1024 * 1024;
    for (const [size, chunked, pauseMs] of [
      [2 * MiB, false, 0],
      [8 * MiB, false, 0],
      [8 * MiB, true, 5],
    ] as const) {
      for (let round = 0; round < 2; round++) {
        const answer = await send(size, chunked, pauseMs);
        assert.equal(answer.status, 413, answer.body);
        assert.equal(JSON.parse(answer.body).error.code, 'PAYLOAD_TOO_LARGE');
      }
    }
    assert.equal((await client().call('GET', '/api/health')).status, 200);
  });

  test(`soak: ${SOAK_CONNECTIONS} connections for ${SOAK_SECONDS} s (after ${SOAK_WARM_UP_SECONDS} s of warm-up) of mixed reads and writes; only 2xx (or 429/503), no error logged, RSS steady`, async () => {
    // Set up one after another: password hashing is limited per instance (503 past the limit).
    const users: { user: ApiClient; id: string; postId: string }[] = [];
    for (let index = 0; index < 10; index++) {
      const user = client();
      const id = await user.signUpAndLogin();
      const seeded = await user.call('POST', `/api/users/${id}/posts`, { title: 'seed', body: 'soak' });
      users.push({ user, id, postId: seeded.body.data.id as string });
    }
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let requests = 0;
    const worker = async (index: number, until: number) => {
      const { user, id, postId } = users[index % users.length] ?? (users[0] as (typeof users)[number]);
      for (let step = 0; Date.now() < until; step++) {
        const kind = (index + step) % 10;
        try {
          const answer =
            kind < 5
              ? await user.call('GET', `/api/users/${id}/posts?pageSize=20`)
              : kind < 7
                ? await user.call('GET', `/api/posts/${postId}`)
                : kind < 9
                  ? await user.call('POST', `/api/users/${id}/posts`, {
                      title: `soak ${index}.${step}`,
                      body: 'b',
                    })
                  : await user.call('PATCH', `/api/posts/${postId}`, { body: `edit ${index}.${step}` });
          requests++;
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status >= 300 && answer.status !== 429 && answer.status !== 503) {
            failures.push(`${answer.status} ${answer.text.slice(0, 200)}`);
          }
        } catch (error) {
          failures.push(`no answer: ${String(error)}`);
        }
      }
    };
    const load = (seconds: number) => {
      const until = Date.now() + seconds * 1_000;
      return Promise.all(Array.from({ length: SOAK_CONNECTIONS }, (_, index) => worker(index, until)));
    };
    // V8 sizes its heap to the load over the first seconds of it; a leak is growth after that. The
    // warm-up's answers count like the soak's.
    await load(SOAK_WARM_UP_SECONDS);
    const samples: { at: number; rss: number[] }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => {
      samples.push({ at: Date.now() - started, rss: instances.map((instance) => rssKb(instance.pid)) });
    }, 1_000);
    try {
      await load(SOAK_SECONDS);
    } finally {
      clearInterval(sampler);
    }
    const average = (from: number, to: number, instance: number) => {
      const window = samples.filter((sample) => sample.at >= from && sample.at < to);
      return (
        window.reduce((sum, sample) => sum + (sample.rss[instance] ?? 0), 0) / Math.max(1, window.length)
      );
    };
    const rss = instances.map((_, instance) => ({
      second10s: Math.round(average(10_000, 20_000, instance)),
      last10s: Math.round(average(SOAK_SECONDS * 1_000 - 10_000, SOAK_SECONDS * 1_000 + 1_000, instance)),
    }));
    const nonSuccess = [...statuses]
      .filter(([status]) => status >= 300)
      .reduce((sum, [, count]) => sum + count, 0);
    console.log(
      `soak: ${requests} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `non-2xx ${nonSuccess}, RSS kB (second 10 s -> last 10 s) ${rss.map((r) => `${r.second10s}->${r.last10s}`).join(', ')}`,
    );
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} answers outside 2xx/429/503`);
    assert.ok(requests > SOAK_CONNECTIONS, `${requests} requests`);
    for (const [index, instance] of instances.entries()) {
      assert.deepEqual(
        errorLogLines(instance.output()).map(summarizeLogLine),
        [],
        `instance ${index} logged errors`,
      );
      const { second10s, last10s } = rss[index] ?? { second10s: 0, last10s: 0 };
      assert.ok(
        last10s <= second10s * 1.1,
        `instance ${index} RSS grew from ${second10s} kB to ${last10s} kB`,
      );
    }
  });
});
