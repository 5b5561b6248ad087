import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { AppError } from '../protocol/errors.ts';
import { createRateLimitStore, withinLimits } from './rate-limits.ts';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('with Redis unreachable, a start waits no longer than it was told and the limits still hold', {
  timeout: 10_000,
}, async () => {
  const store = createRateLimitStore(`redis://127.0.0.1:${await closedPort()}`);
  try {
    // Resolves (after the timeout), never rejects: the instance serves without Redis.
    await store.connected(200);
    const limiter = store.limiter({ keyPrefix: 'test:unreachable', points: 2, duration: 60 });
    const consume = () => withinLimits('Too many', [limiter.consume('caller')]);
    await consume();
    await consume();
    // Counted in memory by the insurance limiter meanwhile: the third is refused all the same.
    await assert.rejects(consume(), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'RATE_LIMITED');
      assert.match(error.headers?.['Retry-After'] ?? '', /^[1-9]\d*$/);
      return true;
    });
  } finally {
    await store.close();
  }
});

test('without Redis the counts are kept in the process', async () => {
  const store = createRateLimitStore(undefined);
  await store.connected(10_000);
  const limiter = store.limiter({ keyPrefix: 'test:memory', points: 1, duration: 60 });
  await withinLimits('Too many', [limiter.consume('caller')]);
  await assert.rejects(withinLimits('Too many', [limiter.consume('caller')]), { code: 'RATE_LIMITED' });
  await withinLimits('Too many', [limiter.consume('someone else')]);
  await store.close();
});
