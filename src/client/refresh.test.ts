import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type BroadcastChannelLike,
  createRefreshCoordinator,
  type LockManagerLike,
  REFRESH_LOCK,
  type RefreshOutcome,
} from './refresh.ts';

/** A clock that moves one millisecond at each reading, so "after" is always strict. */
function clock(start = 1_000): () => number {
  let time = start;
  return () => time++;
}

/** A deferred outcome: the refresh request stays in flight until the test settles it. */
function pending<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Channels of one origin: a message posted on one reaches every other one, at once or `delayMs` later. */
function channelBus(delayMs?: number) {
  const members = new Set<(event: { data: unknown }) => void>();
  return (): BroadcastChannelLike & { closed: boolean } => {
    let listener: ((event: { data: unknown }) => void) | undefined;
    const channel = {
      closed: false,
      postMessage(message: unknown) {
        for (const deliver of members) {
          if (deliver === listener) continue;
          const event = { data: structuredClone(message) };
          if (delayMs === undefined) deliver(event);
          else setTimeout(() => deliver(event), delayMs);
        }
      },
      addEventListener(_type: 'message', handler: (event: { data: unknown }) => void) {
        listener = handler;
        members.add(handler);
      },
      close() {
        channel.closed = true;
        if (listener) members.delete(listener);
      },
    };
    return channel;
  };
}

/** A Web Locks stand-in: one holder at a time, waiters in order, a wait aborted by its signal. */
function fakeLocks(): LockManagerLike & { granted: string[] } {
  let tail: Promise<void> = Promise.resolve();
  const granted: string[] = [];
  return {
    granted,
    request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T> {
      const previous = tail;
      let release!: () => void;
      tail = new Promise((done) => {
        release = done;
      });
      return new Promise<T>((resolve, reject) => {
        let aborted = false;
        options.signal?.addEventListener('abort', () => {
          aborted = true;
          reject(options.signal?.reason);
        });
        previous.then(async () => {
          if (aborted) return release();
          granted.push(name);
          try {
            resolve(await callback());
          } catch (error) {
            reject(error);
          } finally {
            release();
          }
        });
      });
    },
  };
}

describe('in one page', () => {
  test('ten concurrent refreshes send one request and share its outcome', async () => {
    let sends = 0;
    const response = pending<RefreshOutcome>();
    const coordinator = createRefreshCoordinator({
      send: () => {
        sends += 1;
        return response.promise;
      },
      locks: null,
      channel: null,
      timeoutMs: 1_000,
      now: clock(),
    });
    const outcomes = Array.from({ length: 10 }, () => coordinator.refresh(0));
    response.resolve('refreshed');
    assert.deepEqual(await Promise.all(outcomes), Array(10).fill('refreshed'));
    assert.equal(sends, 1);
  });

  test('a 401 from a request sent before the last refresh finished needs no new refresh', async () => {
    let sends = 0;
    const now = clock();
    const coordinator = createRefreshCoordinator({
      send: async () => {
        sends += 1;
        return 'refreshed';
      },
      locks: null,
      channel: null,
      timeoutMs: 1_000,
      now,
    });
    const sentBefore = now();
    assert.equal(await coordinator.refresh(sentBefore), 'refreshed');
    assert.equal(await coordinator.refresh(sentBefore), 'refreshed');
    assert.equal(sends, 1);
    assert.equal(await coordinator.refresh(now()), 'refreshed');
    assert.equal(sends, 2);
  });

  test('a refresh that hangs is aborted after the timeout', async () => {
    const coordinator = createRefreshCoordinator({
      send: (signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => resolve('offline'));
        }),
      locks: null,
      channel: null,
      timeoutMs: 30,
      now: clock(),
    });
    const started = Date.now();
    assert.equal(await coordinator.refresh(0), 'offline');
    assert.ok(Date.now() - started < 1_000);
  });

  test('a failed refresh is not remembered: the next 401 tries again', async () => {
    const outcomes: RefreshOutcome[] = ['failed', 'refreshed'];
    const coordinator = createRefreshCoordinator({
      send: async () => outcomes.shift() ?? 'failed',
      locks: null,
      channel: null,
      timeoutMs: 1_000,
      now: clock(),
    });
    assert.equal(await coordinator.refresh(0), 'failed');
    assert.equal(await coordinator.refresh(0), 'refreshed');
  });
});

describe('across tabs with Web Locks', () => {
  test('two tabs: one refreshes, the other sees it once it holds the lock and sends none', async () => {
    const locks = fakeLocks();
    const channel = channelBus();
    const now = clock();
    let sends = 0;
    const response = pending<RefreshOutcome>();
    const tab = () =>
      createRefreshCoordinator({
        send: () => {
          sends += 1;
          return response.promise;
        },
        locks,
        channel: channel(),
        timeoutMs: 1_000,
        now,
      });
    const [first, second] = [tab(), tab()];
    const since = now();
    const outcomes = [first.refresh(since), second.refresh(since)];
    response.resolve('refreshed');
    assert.deepEqual(await Promise.all(outcomes), ['refreshed', 'refreshed']);
    assert.equal(sends, 1);
    assert.deepEqual(locks.granted, [REFRESH_LOCK, REFRESH_LOCK]);
  });

  test('the lock passes before the other tab\'s "done" message arrives: still one refresh', async () => {
    const locks = fakeLocks();
    // A browser delivers channel messages asynchronously; the lock is handed over at once.
    const channel = channelBus(10);
    const now = clock();
    let sends = 0;
    const tab = () =>
      createRefreshCoordinator({
        send: async () => {
          sends += 1;
          await new Promise((resolve) => setTimeout(resolve, 50));
          return 'refreshed';
        },
        locks,
        channel: channel(),
        timeoutMs: 1_000,
        now,
      });
    const [first, second] = [tab(), tab()];
    const since = now();
    const outcomes = [first.refresh(since), second.refresh(since)];
    assert.deepEqual(await Promise.all(outcomes), ['refreshed', 'refreshed']);
    assert.equal(sends, 1);
  });

  test('a tab that froze holding the lock cannot hang the others: they refresh after the timeout', async () => {
    const locks = fakeLocks();
    const frozen = pending<RefreshOutcome>();
    const stuck = createRefreshCoordinator({
      send: () => frozen.promise,
      locks,
      channel: null,
      timeoutMs: 60_000,
      now: clock(),
    });
    let sends = 0;
    const waiting = createRefreshCoordinator({
      send: async () => {
        sends += 1;
        return 'refreshed';
      },
      locks,
      channel: null,
      timeoutMs: 30,
      now: clock(),
    });
    const held = stuck.refresh(0);
    assert.equal(await waiting.refresh(0), 'refreshed');
    assert.equal(sends, 1);
    frozen.resolve('refreshed');
    await held;
  });

  test("with the platform's own Web Locks, two tabs never refresh at the same time", async () => {
    const platformLocks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
    assert.ok(platformLocks, 'this runtime has navigator.locks');
    const locks: LockManagerLike = {
      request: (name, options, callback) => platformLocks.request(name, options, callback),
    };
    let inFlight = 0;
    let most = 0;
    const tab = () =>
      createRefreshCoordinator({
        send: async () => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inFlight -= 1;
          return 'refreshed';
        },
        locks,
        channel: null,
        timeoutMs: 1_000,
        now: clock(),
      });
    const outcomes = await Promise.all([tab().refresh(0), tab().refresh(0), tab().refresh(0)]);
    assert.deepEqual(outcomes, ['refreshed', 'refreshed', 'refreshed']);
    assert.equal(most, 1);
  });
});

describe('across tabs without Web Locks', () => {
  test('a tab that sees another refreshing waits for it and sends none', async () => {
    const channel = channelBus();
    const now = clock();
    const response = pending<RefreshOutcome>();
    let sends = 0;
    const first = createRefreshCoordinator({
      send: () => {
        sends += 1;
        return response.promise;
      },
      locks: null,
      channel: channel(),
      timeoutMs: 1_000,
      now,
    });
    const second = createRefreshCoordinator({
      send: async () => {
        sends += 1;
        return 'refreshed';
      },
      locks: null,
      channel: channel(),
      timeoutMs: 1_000,
      now,
    });
    const since = now();
    const firstOutcome = first.refresh(since);
    await Promise.resolve();
    const secondOutcome = second.refresh(since);
    response.resolve('refreshed');
    assert.deepEqual(await Promise.all([firstOutcome, secondOutcome]), ['refreshed', 'refreshed']);
    assert.equal(sends, 1);
  });

  test('a tab that announced a refresh and died is waited for at most the timeout', async () => {
    const channel = channelBus();
    const dead = channel();
    const now = clock();
    let sends = 0;
    const alive = createRefreshCoordinator({
      send: async () => {
        sends += 1;
        return 'refreshed';
      },
      locks: null,
      channel: channel(),
      timeoutMs: 30,
      now,
    });
    dead.addEventListener('message', () => {});
    dead.postMessage({ type: `${REFRESH_LOCK}:started`, id: 'dead-tab-0' });
    const started = Date.now();
    assert.equal(await alive.refresh(now()), 'refreshed');
    assert.equal(sends, 1);
    assert.ok(Date.now() - started >= 25, 'it waited for the other tab first');
  });

  test('when the other tab failed, this one refreshes itself', async () => {
    const channel = channelBus();
    const other = channel();
    other.addEventListener('message', () => {});
    const now = clock();
    let sends = 0;
    const coordinator = createRefreshCoordinator({
      send: async () => {
        sends += 1;
        return 'refreshed';
      },
      locks: null,
      channel: channel(),
      timeoutMs: 1_000,
      now,
    });
    other.postMessage({ type: `${REFRESH_LOCK}:started`, id: 'other-0' });
    const outcome = coordinator.refresh(now());
    other.postMessage({ type: `${REFRESH_LOCK}:done`, id: 'other-0', outcome: 'failed' });
    assert.equal(await outcome, 'refreshed');
    assert.equal(sends, 1);
  });
});
