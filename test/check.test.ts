import assert from 'node:assert/strict';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { CheckReport } from '../src/check/index.ts';
import { run } from '../src/cli/main.ts';
import { startNonConformingServer } from './fixtures/non-conforming-server.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession } from './sessions.ts';

/** Runs `tenet check` through the CLI and returns its exit code and what it printed. */
async function check(args: string[]): Promise<{ code: number | undefined; out: string; error: string }> {
  let out = '';
  let error = '';
  const code = await run(
    ['check', ...args],
    {},
    {
      out: (text) => {
        out += `${text}\n`;
      },
      error: (text) => {
        error += `${text}\n`;
      },
    },
  );
  return { code, out, error };
}

async function checkJson(args: string[]): Promise<{ code: number | undefined; report: CheckReport }> {
  const { code, out } = await check([...args, '--json']);
  return { code, report: JSON.parse(out) as CheckReport };
}

function ids(report: CheckReport, status: 'pass' | 'fail' | 'warn' | 'skip'): string[] {
  return report.results
    .filter((result) => result.status === status)
    .map((result) => result.id)
    .sort();
}

/** A port nothing listens on now, so the app can be told its public origin before it listens. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('tenet check against a started tenet', () => {
  let t: TestApp;
  let baseUrl: string;
  before(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ environment: { PUBLIC_URL: baseUrl } });
    await t.app.listen({ port, host: '127.0.0.1' });
  });
  after(async () => {
    await t.close();
  });

  test('--email/--password: clean, every rule checked, exit 0', async () => {
    const author = await createSession(t);
    // Enough users and posts that paging, order and stability are all exercised.
    for (let index = 0; index < 3; index += 1) await createSession(t);
    for (let index = 0; index < 4; index += 1) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/users/${author.user.id}/posts`,
        headers: author.headers,
        payload: { title: `Post ${index}`, body: 'text' },
      });
      assert.equal(response.statusCode, 201);
    }
    // A generous timeout: parallel suites on two shared cores slow every answer.
    const { code, report } = await checkJson([
      baseUrl,
      '--email',
      author.user.email,
      '--password',
      author.password,
      '--timeout',
      '120000',
    ]);
    const failed = report.results.filter((result) => result.status === 'fail');
    assert.deepEqual(failed, [], JSON.stringify(failed, null, 2));
    assert.equal(code, 0);
    assert.equal(report.openapi, '/api/openapi.json');
    assert.equal(report.endpoints, 'openapi');
    assert.deepEqual(ids(report, 'skip'), []);
    // Immediate access-token revocation is a warning-level rule: pass once tenet revokes at once.
    assert.ok(
      ['pass', 'warn'].includes(
        report.results.find((r) => r.id === 'auth.logout-revokes-access')?.status ?? '',
      ),
    );
    assert.ok(report.notes.some((note) => note.includes('Secure cookies are sent back over plain http')));
    assert.ok(report.requests > 30 && report.requests <= 400);
  });

  test('--sign-up: clean, and the user it made is deleted afterwards', async () => {
    const { code, out } = await check([baseUrl, '--sign-up', '--timeout', '120000']);
    assert.equal(code, 0, out);
    assert.match(out, /^clean: \d+ passed, 0 failed/m);
    const email = /Signed up as (\S+@example\.com)/.exec(out)?.[1];
    assert.ok(email, out);
    const row = await t.database.db
      .selectFrom('users')
      .select(['deleted_at'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    assert.notEqual(row.deleted_at, null, 'the signed-up user is deleted');
  });
});

/** A plain server answering every request with `answer`, counting what it receives. */
async function startCounter(answer: (response: ServerResponse) => void) {
  const server = createHttpServer((_request, response) => {
    counter.hits += 1;
    answer(response);
  });
  const counter = {
    hits: 0,
    url: '',
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  counter.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return counter;
}

describe('tenet check against a non-conforming API', () => {
  let fixture: Awaited<ReturnType<typeof startNonConformingServer>>;
  let elsewhere: Awaited<ReturnType<typeof startCounter>>;
  before(async () => {
    elsewhere = await startCounter((response) => response.end('{}'));
    fixture = await startNonConformingServer({ redirectTo: `${elsewhere.url}/api/elsewhere` });
  });
  after(async () => {
    await fixture.close();
    await elsewhere.close();
  });

  test('flags every breach rule by rule, exit 1', async () => {
    const { code, report } = await checkJson([
      fixture.url,
      '--email',
      'someone@example.com',
      '--password',
      'anything',
    ]);
    assert.equal(code, 1);
    assert.deepEqual(ids(report, 'fail'), [
      'auth.cookie-httponly',
      'auth.cookie-lifetime',
      'auth.cookie-path',
      'auth.cookie-samesite',
      'auth.cookie-secure',
      'auth.logout-clears-cookies',
      'auth.logout-revokes',
      'auth.me-requires-session',
      'auth.refresh-reuse-refused',
      'auth.refresh-rotates',
      'auth.token-in-body',
      'csrf.required',
      'envelope.error-code',
      'envelope.error-status',
      'envelope.json',
      'envelope.method-not-allowed',
      'envelope.no-error-with-2xx',
      'envelope.not-found',
      'envelope.request-id',
      'envelope.shape',
      'envelope.timestamp',
      'openapi.response-schema',
      'pagination.math',
      'pagination.object',
      'pagination.out-of-range',
      'pagination.sort',
      'pagination.stable',
      'representation.secret-field',
      'representation.sequential-id',
      'representation.snake-case',
      'representation.timestamp',
      'validation.details',
      'validation.status',
    ]);
    assert.deepEqual(ids(report, 'warn'), ['auth.logout-revokes-access']);
    assert.deepEqual(ids(report, 'pass'), ['auth.login', 'pagination.params', 'run.complete']);
    const evidence = (id: string) =>
      report.results
        .find((result) => result.id === id)
        ?.evidence.map((item) => `${item.request} ${item.seen}`)
        .join('\n') ?? '';
    assert.match(evidence('representation.snake-case'), /POST \/api\/auth\/login -> 200 .*display_name/);
    assert.match(evidence('representation.secret-field'), /password_hash/);
    assert.match(evidence('auth.token-in-body'), /accessToken holds a JWT/);
    assert.match(
      evidence('envelope.no-error-with-2xx'),
      /POST \/api\/auth\/login -> 200 success: false with status 200/,
    );
    assert.match(evidence('auth.cookie-httponly'), /Set-Cookie: access_token=…; Path=\//);
    assert.match(
      evidence('csrf.required'),
      /PATCH \/api\/users\/1 -> 200 \(session cookies, no X-CSRF-Token\)/,
    );
    assert.match(evidence('pagination.object'), /GET \/api\/users -> 200 pagination lacks hasPreviousPage/);
    assert.match(evidence('pagination.stable'), /repeated/);
    assert.match(evidence('openapi.response-schema'), /GET \/api\/auth\/me -> 200 .*displayName/);
    // The redirect to another server is reported, never followed.
    assert.match(
      evidence('envelope.not-found'),
      /GET \/api\/tenet-check-no-such-route-\w+ -> 302 status 302/,
    );
    assert.equal(elsewhere.hits, 0);
  });

  test('the text report: a table by area with the evidence and the fix', async () => {
    const { code, out } = await check([
      fixture.url,
      '--email',
      'someone@example.com',
      '--password',
      'x',
      '--only',
      'csrf,representation',
    ]);
    assert.equal(code, 1);
    assert.match(out, /^representation$/m);
    assert.match(
      out,
      /^ {2}FAIL {2}representation\.snake-case +POST \/api\/auth\/login -> 200 {2}\$\.data\.user\.display_name: snake_case key$/m,
    );
    assert.match(out, /^ +fix: Check X-CSRF-Token/m);
    assert.doesNotMatch(out, /^envelope$/m, '--only leaves the other areas out');
    assert.doesNotMatch(out, /pagination\./);
    assert.match(out, /^\d+ rules failed: /m);
  });

  test('without credentials the session rules are skipped with the reason', async () => {
    const { report } = await checkJson([fixture.url, '--only', 'auth,csrf']);
    const csrf = report.results.find((result) => result.id === 'csrf.required');
    assert.equal(csrf?.status, 'skip');
    assert.match(csrf?.evidence[0]?.seen ?? '', /--sign-up or --email and --password/);
    assert.equal(report.results.find((result) => result.id === 'auth.me-requires-session')?.status, 'fail');
  });

  test('bounded: the request budget stops the run, and the run says so', async () => {
    const { code, report } = await checkJson([fixture.url, '--max-requests', '5']);
    assert.equal(code, 1);
    assert.equal(report.requests, 5);
    const run = report.results.find((result) => result.id === 'run.complete');
    assert.equal(run?.status, 'fail');
    assert.match(run?.evidence[0]?.seen ?? '', /request budget of 5 spent/);
  });
});

describe('tenet check usage', () => {
  test('usage errors exit 2 and send nothing', async () => {
    for (const args of [
      [],
      ['not a url'],
      ['ftp://127.0.0.1:1'],
      ['http://127.0.0.1:1/api'],
      ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
      ['http://127.0.0.1:1', '--sign-up', '--email', 'a@example.com', '--password', 'x'],
      ['http://127.0.0.1:1', '--email', 'a@example.com'],
      ['http://127.0.0.1:1', '--only', 'envelope,nonsense'],
      ['http://127.0.0.1:1', '--max-requests', '0'],
      ['http://127.0.0.1:1', '--timeout', 'soon'],
      ['http://127.0.0.1:1', '--unknown-flag'],
    ]) {
      const { code, error } = await check(args);
      assert.equal(code, 2, args.join(' '));
      assert.match(error, /Usage: tenet check/);
    }
  });

  test('an answer larger than 5 MB is not read: exit 1 with the request', async () => {
    const huge = await startCounter((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`"${'x'.repeat(6 * 1024 * 1024)}"`);
    });
    try {
      const { code, report } = await checkJson([huge.url]);
      assert.equal(code, 1);
      const run = report.results.find((result) => result.id === 'run.complete');
      assert.match(run?.evidence[0]?.seen ?? '', /answer larger than 5 MB/);
      assert.equal(report.requests, 1);
    } finally {
      await huge.close();
    }
  });

  test('an API that does not answer: exit 1 with the failed request', async () => {
    const port = await freePort();
    const { code, report } = await checkJson([`http://127.0.0.1:${port}`, '--timeout', '2000']);
    assert.equal(code, 1);
    const run = report.results.find((result) => result.id === 'run.complete');
    assert.equal(run?.status, 'fail');
    assert.match(run?.evidence[0]?.request ?? '', /^GET \/api\/openapi\.json/);
  });
});
