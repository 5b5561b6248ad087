import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort, runCli } from './cli-process.ts';
import { temporaryDirectory } from './helpers.ts';
import { OwnedProcess, waitFor } from './support/processes.ts';

const ROOT = join(import.meta.dirname, '..');

/**
 * What `npm install` does for a folder dependency: tenet linked into node_modules (its bin too),
 * and zod beside it. The project then runs tenet as a package: dist/, which `npm install` built.
 */
function linkDependencies(project: string): void {
  mkdirSync(join(project, 'node_modules/.bin'), { recursive: true });
  symlinkSync(ROOT, join(project, 'node_modules/tenet'));
  symlinkSync(join(ROOT, 'node_modules/zod'), join(project, 'node_modules/zod'));
  symlinkSync('../tenet/bin/tenet.js', join(project, 'node_modules/.bin/tenet'));
}

/** Runs a command in the project as its npm scripts would, collecting its output. */
async function inProject(project: string, args: string[]) {
  const child = spawn(process.execPath, args, {
    cwd: project,
    env: { PATH: process.env.PATH, NODE_ENV: 'development', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const owned = new OwnedProcess('project', child);
  const code = await owned.exited;
  return { code, output: owned.output() };
}

describe('tenet init', () => {
  test('writes a project whose types are current, whose tests pass and which serves its resource', async () => {
    assert.ok(existsSync(join(ROOT, 'dist/cli/init-command.js')), 'dist/ is built by npm install (prepare)');
    const dir = temporaryDirectory();
    try {
      const project = join(dir.path, 'my-app');
      const init = await runCli(dir.path, ['init', 'my-app']);
      assert.equal(init.code, 0, init.stderr);
      for (const file of [
        'package.json',
        'tenet.config.ts',
        'migrations/0001_notes.sql',
        'src/notes.ts',
        'src/database.ts',
        'test/notes.test.ts',
        'README.md',
      ]) {
        assert.ok(existsSync(join(project, file)), file);
      }
      const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
      // Run from a checkout, the dependency is the checkout's folder, relative to the project.
      assert.match(manifest.dependencies.tenet, /^file:(\.\.\/)+/);
      assert.equal(manifest.scripts.start, 'tenet start');

      linkDependencies(project);
      const bin = join(project, 'node_modules/.bin/tenet');
      const openapi = await inProject(project, [bin, 'openapi']);
      assert.equal(openapi.code, 0, openapi.output);
      const paths = Object.keys(JSON.parse(openapi.output).paths);
      assert.ok(paths.includes('/api/notes') && paths.includes('/api/notes/{id}'), paths.join(' '));
      const types = await inProject(project, [bin, 'db', 'types']);
      assert.equal(types.output.trimEnd(), readFileSync(join(project, 'src/database.ts'), 'utf8').trimEnd());

      const tests = await inProject(project, ['--test', 'test/**/*.test.ts']);
      assert.equal(tests.code, 0, tests.output);
      assert.match(tests.output, /pass 1\n/);

      const port = await freePort();
      const server = new OwnedProcess(
        'project-server',
        spawn(process.execPath, [bin, 'start'], {
          cwd: project,
          env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', MAX_EVENT_LOOP_DELAY: '0' },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      try {
        await waitFor(() => server.output().includes('Server listening'), 120_000, server.output());
        const base = `http://127.0.0.1:${port}`;
        assert.equal((await fetch(`${base}/api/notes`)).status, 401);
        const document = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: object };
        assert.ok('/api/notes' in document.paths);
      } finally {
        assert.equal(await server.stop(), 0, server.output());
      }
    } finally {
      dir.remove();
    }
  });

  test('refuses a folder that is not empty, and bad arguments', async () => {
    const dir = temporaryDirectory();
    try {
      writeFileSync(join(dir.path, 'keep.txt'), 'mine');
      const refused = await runCli(dir.path, ['init', '.']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /is not empty/);
      assert.equal(readFileSync(join(dir.path, 'keep.txt'), 'utf8'), 'mine');
      assert.equal((await runCli(dir.path, ['init', 'a', 'b'])).code, 2);
      assert.equal((await runCli(dir.path, ['init', '--nope'])).code, 2);
      const given = await runCli(dir.path, ['init', 'other', '--tenet', '/opt/tenet-0.1.0.tgz']);
      assert.equal(given.code, 0, given.stderr);
      const manifest = JSON.parse(readFileSync(join(dir.path, 'other/package.json'), 'utf8'));
      assert.match(manifest.dependencies.tenet, /^file:(\.\.\/)+opt\/tenet-0\.1\.0\.tgz$/);
    } finally {
      dir.remove();
    }
  });
});
