import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, runCli, startCli, stopProcess } from './cli-process.ts';
import { temporaryDirectory } from './helpers.ts';

test('commands on the embedded database refuse while a server holds it; a killed server does not block the next start', async () => {
  const dir = temporaryDirectory();
  const port = await freePort();
  const server = await startCli(dir.path, port);
  try {
    const pid = server.child.pid;
    for (const args of [
      ['users', 'create', '--email', 'while-running@example.com'],
      ['migrate', 'up'],
      ['migrate', 'status'],
      ['seed', '--users', '2', '--posts', '1'],
    ]) {
      const result = await runCli(dir.path, args, { input: 'long-enough-password\n' });
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, new RegExp(`in use by a running tenet process \\(pid ${pid}`));
      assert.match(result.stderr, /Stop that process first/);
      assert.doesNotMatch(result.stdout, /created/);
    }
    // The server still answers, and saw nothing half-written.
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/health`)).status, 200);

    // kill -9: no clean-up runs, the lock file stays behind with a dead pid.
    await stopProcess(server.child, 'SIGKILL');
    const created = await runCli(dir.path, ['users', 'create', '--email', 'after-kill@example.com'], {
      input: 'long-enough-password\n',
    });
    assert.equal(created.code, 0, created.stdout + created.stderr);

    const restarted = await startCli(dir.path, port);
    try {
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'after-kill@example.com', password: 'long-enough-password' }),
      });
      assert.equal(login.status, 200, await login.text());
      const refused = await runCli(dir.path, ['migrate', 'up']);
      assert.equal(refused.code, 1);
    } finally {
      assert.equal(await stopProcess(restarted.child), 0, restarted.output());
    }
    // Stopped cleanly: the lock is released.
    const status = await runCli(dir.path, ['migrate', 'status']);
    assert.equal(status.code, 0, status.stdout + status.stderr);
  } finally {
    await stopProcess(server.child, 'SIGKILL');
    dir.remove();
  }
});
