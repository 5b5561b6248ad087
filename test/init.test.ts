import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { installedTenetSpec } from '../src/cli/init-command.ts';
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
      assert.match(given.stdout, /^ {2}npm install && npm start$/m);
      // Run by pnpm (`pnpm exec tenet init`), the next steps are pnpm's.
      const byPnpm = await runCli(dir.path, ['init', 'third', '--tenet', '/opt/tenet-0.1.0.tgz'], {
        env: { npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v24.11.0 linux x64' },
      });
      assert.equal(byPnpm.code, 0, byPnpm.stderr);
      assert.match(byPnpm.stdout, /^ {2}pnpm install && pnpm start\n {2}pnpm test$/m);
    } finally {
      dir.remove();
    }
  });

  test('finds how the project declared tenet, whichever package manager laid it out', () => {
    const dir = temporaryDirectory();
    try {
      const host = join(dir.path, 'host');
      const declare = (folder: string, spec: string) => {
        mkdirSync(folder, { recursive: true });
        writeFileSync(join(folder, 'package.json'), JSON.stringify({ dependencies: { tenet: spec } }));
      };
      declare(host, 'file:../tenet-0.1.0.tgz');
      const app = join(host, 'my-app');
      const fromHost = 'file:../../tenet-0.1.0.tgz';
      // npm: <project>/node_modules/tenet.
      assert.equal(installedTenetSpec(join(host, 'node_modules/tenet'), app, dir.path), fromHost);
      // pnpm: <project>/node_modules/.pnpm/<id>/node_modules/tenet, no package.json above the inner one.
      const pnpmRoot = join(host, 'node_modules/.pnpm/tenet@file+..+tenet-0.1.0.tgz/node_modules/tenet');
      assert.equal(installedTenetSpec(pnpmRoot, app, dir.path), fromHost);
      // A dependency's own tenet: the innermost project that declares it.
      declare(join(host, 'node_modules/kit-user'), '^0.1.0');
      assert.equal(
        installedTenetSpec(join(host, 'node_modules/kit-user/node_modules/tenet'), app, dir.path),
        '^0.1.0',
      );
      // No node_modules folder that declares it (Yarn Plug'n'Play's cache): the project run in.
      const zipRoot = join(host, '.yarn/cache/tenet-file-0.1.0.zip/node_modules/tenet');
      assert.equal(installedTenetSpec(zipRoot, app, app), fromHost);
      assert.equal(installedTenetSpec(zipRoot, app, dir.path), undefined);
      // A checkout: the folder itself.
      assert.equal(installedTenetSpec(join(dir.path, 'tenet'), app, dir.path), 'file:../../tenet');
    } finally {
      dir.remove();
    }
  });
});
