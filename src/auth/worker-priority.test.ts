import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { test } from 'node:test';
import { PasswordHasher } from './passwords.ts';
import { WORKER_NICENESS } from './worker-priority.ts';

test('after a hash, the worker threads hashing runs on yield to the event loop (Linux)', async () => {
  const hasher = new PasswordHasher();
  const encoded = await hasher.hash('a password for the test');
  assert.equal((await hasher.verify(encoded, 'a password for the test')).valid, true);
  if (process.platform !== 'linux') return;
  const threads = readdirSync('/proc/self/task').filter(
    (thread) => readFileSync(`/proc/self/task/${thread}/comm`, 'utf8').trim() === 'libuv-worker',
  );
  assert.ok(threads.length > 0);
  for (const thread of threads) assert.equal(getPriority(Number(thread)), WORKER_NICENESS);
  // The event loop's own thread keeps its priority.
  assert.equal(getPriority(), 0);
});
