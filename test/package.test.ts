import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from './cli-process.ts';
import { engine, temporaryDirectory } from './helpers.ts';
import { OwnedProcess, waitFor } from './support/processes.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
// Without NODE_TEST_CONTEXT: the project's `node --test` must run its files, not act as a child of this run.
const { NODE_TEST_CONTEXT: _context, ...parentEnvironment } = process.env;
const NPM_ENV = {
  ...parentEnvironment,
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  npm_config_update_notifier: 'false',
};

// Packing and installing do not depend on the database: once, in the PGlite pass.
const skip = engine === 'postgres' && 'packaging does not depend on the database; runs in the PGlite pass';

test('the packed tarball installs into an empty project, whose tenet init writes a project that tests and serves', {
  skip,
}, async () => {
  const dir = temporaryDirectory();
  try {
    // --ignore-scripts: dist/ is what `npm install` built here; rebuilding it would pull it from
    // under the tests running beside this one.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir.path], {
      cwd: ROOT,
      env: NPM_ENV,
    });
    const tarball = readdirSync(dir.path).find((file) => file.endsWith('.tgz'));
    assert.ok(tarball, packed.stdout + packed.stderr);

    const host = join(dir.path, 'host');
    await run('mkdir', ['-p', host]);
    writeFileSync(join(host, 'package.json'), JSON.stringify({ name: 'host', private: true }));
    await run('npm', ['install', join(dir.path, tarball)], { cwd: host, env: NPM_ENV });
    await run(join(host, 'node_modules/.bin/tenet'), ['init', 'my-app'], { cwd: host, env: NPM_ENV });

    const project = join(host, 'my-app');
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    assert.equal(manifest.dependencies.tenet, `file:../../${tarball}`);
    await run('npm', ['install'], { cwd: project, env: NPM_ENV });
    const tests = await run('npm', ['test'], { cwd: project, env: NPM_ENV });
    assert.match(tests.stdout + tests.stderr, /pass 1\n/);

    const port = await freePort();
    const server = new OwnedProcess(
      'packed-project',
      spawn('npm', ['start'], {
        cwd: project,
        env: { ...NPM_ENV, PORT: String(port), HOST: '127.0.0.1', MAX_EVENT_LOOP_DELAY: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      }),
    );
    try {
      await waitFor(() => server.output().includes('Server listening'), 120_000, server.output());
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await fetch(`${base}/api/notes`)).status, 401);
      assert.equal((await fetch(`${base}/`)).status, 200, 'the console is in the package');
      assert.equal((await fetch(`${base}/docs`)).status, 200);
    } finally {
      // npm start runs tenet as its child: the whole process group is stopped.
      process.kill(-server.pid, 'SIGTERM');
      await server.exited;
    }
  } finally {
    dir.remove();
  }
});
