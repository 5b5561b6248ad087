import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireEmbeddedLock, lockFileOf } from './embedded-lock.ts';

test('the lock makes the folder of a data directory that does not exist yet (no development secrets made it)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tenet-lock-'));
  try {
    const dataDir = join(root, '.tenet', 'pgdata');
    const release = acquireEmbeddedLock(dataDir, 'migrate status');
    assert.ok(existsSync(lockFileOf(dataDir)));
    release();
    assert.equal(existsSync(lockFileOf(dataDir)), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
