import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { AppError } from '../protocol/errors.ts';

/** The login window: attempts are counted over 15 minutes. */
export const LOGIN_WINDOW_SECONDS = 15 * 60;

/** Counts login attempts per client IP and per e-mail. */
export interface LoginLimiter {
  /** Counts one attempt; throws 429 RATE_LIMITED with `Retry-After` once either limit is reached. */
  consume(ip: string, email: string): Promise<void>;
  /** Forgets the e-mail's failures after a successful login. */
  reset(email: string): Promise<void>;
  close(): Promise<void>;
}

/** Options for {@link createLoginLimiter}. */
export interface LoginLimiterOptions {
  /** Attempts per window, per IP and per e-mail. */
  points: number;
  /** Shares the counts across instances; unset keeps them in this process. */
  redisUrl?: string | undefined;
  /** Key prefix in Redis. @default 'tenet:login' */
  prefix?: string;
}

/**
 * Login limits per IP and per e-mail (rate-limiter-flexible). With Redis every instance shares the
 * counts; if Redis fails, an in-memory limiter takes over so that logins keep being limited.
 */
export function createLoginLimiter(options: LoginLimiterOptions): LoginLimiter {
  const prefix = options.prefix ?? 'tenet:login';
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    : undefined;
  redis?.on('error', () => {
    // Connection trouble is answered by the insurance limiter; ioredis reconnects by itself.
  });
  const limiter = (name: string): RateLimiterAbstract => {
    const settings = {
      points: options.points,
      duration: LOGIN_WINDOW_SECONDS,
      keyPrefix: `${prefix}:${name}`,
    };
    return redis
      ? new RateLimiterRedis({
          ...settings,
          storeClient: redis,
          insuranceLimiter: new RateLimiterMemory(settings),
        })
      : new RateLimiterMemory(settings);
  };
  const byIp = limiter('ip');
  const byEmail = limiter('email');

  return {
    async consume(ip, email) {
      try {
        await Promise.all([byIp.consume(ip), byEmail.consume(email)]);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new AppError('RATE_LIMITED', {
          message: 'Too many sign-in attempts, retry later',
          headers: { 'Retry-After': String(seconds) },
        });
      }
    },
    async reset(email) {
      await byEmail.delete(email);
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
