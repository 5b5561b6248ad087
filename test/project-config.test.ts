import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort, runCli, startCli, stopProcess } from './cli-process.ts';
import { temporaryDirectory } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..');

/** A project folder: a tenet.config.ts serving the projects fixture, and its migrations folder. */
function projectFolder(config?: string) {
  const dir = temporaryDirectory();
  cpSync(join(ROOT, 'test/fixtures/projects/migrations'), join(dir.path, 'migrations'), { recursive: true });
  writeFileSync(
    join(dir.path, 'tenet.config.ts'),
    config ??
      [
        `import { defineProject } from ${JSON.stringify(join(ROOT, 'src/index.ts'))};`,
        `import { projects } from ${JSON.stringify(join(ROOT, 'test/fixtures/projects/project-resource.ts'))};`,
        `export default defineProject({ modules: [projects], migrations: ['migrations'] });`,
      ].join('\n'),
  );
  return dir;
}

describe('tenet.config.ts names the app that tenet serves and migrates in its folder', () => {
  test('openapi, db types and migrate take its modules and migration folders', async () => {
    const dir = projectFolder();
    try {
      const openapi = await runCli(dir.path, ['openapi']);
      assert.equal(openapi.code, 0, openapi.stderr);
      const paths = Object.keys((JSON.parse(openapi.stdout) as { paths: object }).paths);
      assert.ok(paths.includes('/api/projects') && paths.includes('/api/users'), paths.join(' '));

      const types = await runCli(dir.path, ['db', 'types']);
      assert.equal(types.code, 0, types.stderr);
      assert.match(types.stdout, /projects: Projects/);

      const pending = await runCli(dir.path, ['migrate', 'status']);
      assert.equal(pending.code, 0, pending.stderr);
      assert.match(pending.stdout, /0100_projects\s+pending/);
      const up = await runCli(dir.path, ['migrate', 'up']);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /applied 0100_projects/);
      const down = await runCli(dir.path, ['migrate', 'down']);
      assert.match(down.stdout, /reverted 0100_projects/);
    } finally {
      dir.remove();
    }
  });

  test('tenet start serves its modules after applying its migrations', async () => {
    const dir = projectFolder();
    const port = await freePort();
    const server = await startCli(dir.path, port);
    try {
      const base = `http://127.0.0.1:${port}`;
      // The route exists (401 without a session, not 404) and its table was made.
      const anonymous = await fetch(`${base}/api/projects`);
      assert.equal(anonymous.status, 401);
      const status = await runCli(dir.path, ['migrate', 'status']);
      assert.equal(status.code, 1, 'the server holds the embedded database');
      const document = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: object };
      assert.ok('/api/projects' in document.paths);
      assert.equal(await stopProcess(server.child), 0, server.output());
      const after = await runCli(dir.path, ['migrate', 'status']);
      assert.equal(after.code, 0, after.stderr);
      assert.match(after.stdout, /0100_projects\s+applied/);
      assert.doesNotMatch(after.stdout, /pending/);
    } finally {
      await stopProcess(server.child, 'SIGKILL');
      dir.remove();
    }
  });

  test('a config that does not export a project, or names a missing folder, stops the command with its name', async () => {
    for (const [config, message] of [
      ['export default {};', /tenet\.config\.ts must export default defineProject/],
      [
        'export default { modules: [], migrations: ["nowhere"] };',
        /migrations folder "nowhere" does not exist/,
      ],
      ['throw new Error("broken");', /tenet\.config\.ts could not be loaded: broken/],
    ] as const) {
      const dir = projectFolder(config);
      try {
        const result = await runCli(dir.path, ['openapi']);
        assert.equal(result.code, 1);
        assert.match(result.stderr, message);
      } finally {
        dir.remove();
      }
    }
  });
});
