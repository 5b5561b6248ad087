import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

function withDirectory(run: (cwd: string) => void) {
  const cwd = mkdtempSync(join(tmpdir(), 'tenet-config-'));
  try {
    run(cwd);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

test('defaults: PGlite in ./.tenet/pgdata, port 3000 on loopback, the spec TTLs', () => {
  withDirectory((cwd) => {
    const config = loadConfig({}, { cwd });
    assert.deepEqual(config.database, { kind: 'pglite', dataDir: join(cwd, '.tenet', 'pgdata') });
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.accessTokenTtl, 900);
    assert.equal(config.refreshTokenTtl, 604_800);
    assert.equal(config.refreshReuseGrace, 10);
    assert.equal(config.cookieSecure, true);
    assert.equal(config.signup, 'open');
    assert.equal(config.trustProxy, false);
    assert.ok(
      Object.isFrozen(config) && Object.isFrozen(config.database) && Object.isFrozen(config.jwtSecrets),
    );
  });
});

test('missing secrets outside production are generated once, kept with mode 0600, and reused', () => {
  withDirectory((cwd) => {
    const first = loadConfig({}, { cwd });
    const file = join(cwd, '.tenet', 'secrets.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(cwd, '.tenet')).mode & 0o777, 0o700);
    assert.ok((first.jwtSecrets[0]?.length ?? 0) >= 32 && first.csrfSecret.length >= 32);
    const second = loadConfig({}, { cwd });
    assert.deepEqual(second.jwtSecrets, first.jwtSecrets);
    assert.equal(second.csrfSecret, first.csrfSecret);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).csrfSecret, first.csrfSecret);
  });
});

test('production refuses to start without a secret or a database, naming each variable', () => {
  withDirectory((cwd) => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'false' }, { cwd }),
      (error: unknown) =>
        error instanceof ConfigError &&
        ['DATABASE_URL', 'JWT_SECRET', 'CSRF_SECRET', 'COOKIE_SECURE'].every((name) =>
          error.message.includes(name),
        ),
    );
  });
});

test('values are parsed and checked', () => {
  withDirectory((cwd) => {
    const secret = 'x'.repeat(32);
    const config = loadConfig(
      {
        DATABASE_URL: 'postgres://u@h:5432/db',
        JWT_SECRET: `${secret}a, ${secret}b`,
        CSRF_SECRET: secret,
        PORT: '8080',
        CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
        TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
        SIGNUP: 'closed',
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: 'correct horse',
        ACCESS_TOKEN_TTL: '60',
        API_RATE_LIMIT: '600',
      },
      { cwd },
    );
    assert.deepEqual(config.database, { kind: 'postgres', url: 'postgres://u@h:5432/db', poolSize: 10 });
    assert.deepEqual(config.jwtSecrets, [`${secret}a`, `${secret}b`]);
    assert.deepEqual(config.corsOrigins, ['https://app.example.com', 'http://localhost:5173']);
    assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '127.0.0.1']);
    assert.equal(config.port, 8080);
    assert.equal(config.accessTokenTtl, 60);
    assert.equal(config.apiRateLimit, 600);
    assert.equal(
      loadConfig({ JWT_SECRET: secret, CSRF_SECRET: secret }, { cwd }).apiRateLimit,
      0,
      'off unless set',
    );
    assert.deepEqual(config.admin, { email: 'admin@example.com', password: 'correct horse' });
    assert.equal(
      loadConfig({ TRUST_PROXY: '2', JWT_SECRET: secret, CSRF_SECRET: secret }, { cwd }).trustProxy,
      2,
    );
    assert.deepEqual(
      loadConfig(
        {
          DATABASE_URL: 'postgres://u@h:5432/db',
          DATABASE_PREPARED_STATEMENTS: 'false',
          JWT_SECRET: secret,
          CSRF_SECRET: secret,
        },
        { cwd },
      ).database,
      { kind: 'postgres', url: 'postgres://u@h:5432/db', poolSize: 10, preparedStatements: false },
    );
    assert.deepEqual(
      loadConfig({ DATABASE_URL: 'memory://', JWT_SECRET: secret, CSRF_SECRET: secret }, { cwd }).database,
      {
        kind: 'memory',
      },
    );
  });
});

test('bad values are refused with the variable named', () => {
  withDirectory((cwd) => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /PORT/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
      [{ JWT_SECRET: 'short' }, /JWT_SECRET/],
      [{ CORS_ORIGINS: 'https://a.example.com/path' }, /CORS_ORIGINS/],
      [{ TRUST_PROXY: 'everyone' }, /TRUST_PROXY/],
      [{ SIGNUP: 'maybe' }, /SIGNUP/],
      [{ ADMIN_EMAIL: 'admin@example.com' }, /ADMIN_EMAIL and ADMIN_PASSWORD/],
      [{ ACCESS_TOKEN_TTL: '0' }, /ACCESS_TOKEN_TTL/],
      [{ COOKIE_SECURE: 'yes' }, /COOKIE_SECURE/],
      [{ DATABASE_PREPARED_STATEMENTS: 'no' }, /DATABASE_PREPARED_STATEMENTS/],
      [{ API_RATE_LIMIT: '-1' }, /API_RATE_LIMIT/],
      [{ API_RATE_LIMIT: 'many' }, /API_RATE_LIMIT/],
    ];
    for (const [environment, pattern] of cases) {
      assert.throws(
        () => loadConfig(environment, { cwd }),
        (error: unknown) => error instanceof ConfigError && pattern.test(error.message),
        JSON.stringify(environment),
      );
    }
  });
});
