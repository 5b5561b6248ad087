import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { runCli } from './cli-process.ts';
import { temporaryDirectory } from './helpers.ts';

const run = promisify(execFile);
const SERVER = join(import.meta.dirname, '..', 'src', 'app', 'server.ts');

// Records every package a process loads, then loads the server's modules (what `tenet start` runs).
const PROBE = `
import { registerHooks } from 'node:module';
const loaded = new Set();
registerHooks({
  load(url, context, next) {
    const name = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(url)?.[1];
    if (name) loaded.add(name);
    return next(url, context);
  },
});
await import(${JSON.stringify(SERVER)});
process.stdout.write(JSON.stringify([...loaded]));
`;

describe('what a start loads', () => {
  test('the server modules leave PGlite, ioredis and pino-pretty unloaded until they are used', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE]);
    const loaded = JSON.parse(stdout) as string[];
    assert.ok(loaded.includes('fastify') && loaded.includes('kysely'), stdout);
    for (const name of ['@electric-sql/pglite', 'ioredis', 'pino-pretty']) {
      assert.ok(!loaded.includes(name), `${name} is loaded at start`);
    }
  });

  test("tenet keeps Node's compile cache in the user's own cache folder, never the shared temporary one", async () => {
    const dir = temporaryDirectory();
    try {
      const env = { TMPDIR: join(dir.path, 'tmp'), XDG_CACHE_HOME: join(dir.path, 'cache') };
      mkdirSync(env.TMPDIR);
      const result = await runCli(dir.path, ['openapi'], { env });
      assert.equal(result.code, 0, result.stderr);
      const cache = join(env.XDG_CACHE_HOME, 'tenet', 'node-compile-cache');
      assert.ok(readdirSync(cache, { recursive: true }).length > 0, 'the cache is written');
      assert.equal(statSync(cache).mode & 0o777, 0o700);
      assert.deepEqual(readdirSync(env.TMPDIR), [], 'nothing in the temporary folder');
    } finally {
      dir.remove();
    }
  });

  test('a cache folder another account can write is not used: no cache at all', {
    skip: process.getuid === undefined && 'POSIX permissions only',
  }, async () => {
    const dir = temporaryDirectory();
    try {
      const own = join(dir.path, 'cache', 'tenet');
      mkdirSync(join(own, 'node-compile-cache'), { recursive: true });
      // What another account could have made first (or a careless chmod): anyone may write here.
      chmodSync(own, 0o777);
      const result = await runCli(dir.path, ['openapi'], {
        env: { TMPDIR: dir.path, XDG_CACHE_HOME: join(dir.path, 'cache') },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(readdirSync(join(own, 'node-compile-cache')), []);
      assert.ok(!readdirSync(dir.path).includes('node-compile-cache'));
    } finally {
      dir.remove();
    }
  });

  test('NODE_COMPILE_CACHE names the folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off', async () => {
    const dir = temporaryDirectory();
    try {
      const chosen = join(dir.path, 'chosen');
      const env = { XDG_CACHE_HOME: join(dir.path, 'cache'), NODE_COMPILE_CACHE: chosen };
      assert.equal((await runCli(dir.path, ['openapi'], { env })).code, 0);
      assert.ok(readdirSync(chosen, { recursive: true }).length > 0, 'the named folder is used');
      assert.ok(!readdirSync(dir.path).includes('cache'), 'and no other');
      const off = { XDG_CACHE_HOME: join(dir.path, 'off'), NODE_DISABLE_COMPILE_CACHE: '1' };
      assert.equal((await runCli(dir.path, ['openapi'], { env: off })).code, 0);
      assert.ok(!readdirSync(dir.path).includes('off'));
    } finally {
      dir.remove();
    }
  });
});
