import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { AppError } from '../protocol/errors.ts';

/** One limit: `points` requests per `duration` seconds per key, its keys under `keyPrefix`. */
export interface LimitSettings {
  keyPrefix: string;
  points: number;
  duration: number;
}

/** Where the counts of every limit live: Redis, shared by all instances, or this process. */
export interface RateLimitStore {
  limiter(settings: LimitSettings): RateLimiterAbstract;
  /**
   * Resolves once Redis is connected, or after `timeoutMs` if it is not (then each instance counts
   * in memory until it is); at once without Redis. Never rejects.
   */
  connected(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** ioredis (some 50 modules) is loaded only when Redis is configured, not at every start. */
function loadRedis(): typeof Redis {
  return (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis;
}

/**
 * The counts of the limits (rate-limiter-flexible): in Redis when `redisUrl` is set, one connection
 * for all of them, so every instance counts against the same limits; if Redis fails, an in-memory
 * limiter takes over, so requests keep being limited. Without Redis, in this process.
 */
export function createRateLimitStore(redisUrl: string | undefined): RateLimitStore {
  const redis = redisUrl
    ? new (loadRedis())(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    : undefined;
  redis?.on('error', () => {
    // Connection trouble is answered by the insurance limiter; ioredis reconnects by itself.
  });
  return {
    limiter(settings) {
      return redis
        ? new RateLimiterRedis({
            ...settings,
            storeClient: redis,
            insuranceLimiter: new RateLimiterMemory(settings),
          })
        : new RateLimiterMemory(settings);
    },
    async connected(timeoutMs) {
      if (redis === undefined || redis.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          redis.off('ready', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        redis.once('ready', done);
      });
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Waits for the counts; past a limit, throws 429 RATE_LIMITED with `Retry-After` and `message`. */
export async function withinLimits(message: string, attempts: readonly Promise<unknown>[]): Promise<void> {
  try {
    await Promise.all(attempts);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new AppError('RATE_LIMITED', { message, headers: { 'Retry-After': String(seconds) } });
  }
}
