import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
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

  test("tenet keeps Node's compile cache (in the temporary folder unless NODE_COMPILE_CACHE says)", async () => {
    const dir = temporaryDirectory();
    try {
      const result = await runCli(dir.path, ['openapi'], { env: { TMPDIR: dir.path } });
      assert.equal(result.code, 0, result.stderr);
      const cache = join(dir.path, 'node-compile-cache');
      assert.ok(readdirSync(cache, { recursive: true }).length > 0, 'the cache is written');
    } finally {
      dir.remove();
    }
  });
});
