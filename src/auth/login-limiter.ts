import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { AppError } from '../protocol/errors.ts';

/** The login window: attempts are counted over 15 minutes. */
export const LOGIN_WINDOW_SECONDS = 15 * 60;

/** Counts login attempts per client IP and per e-mail (or per known device), and sign-ups per IP. */
export interface LoginLimiter {
  /**
   * Counts one attempt; throws 429 RATE_LIMITED with `Retry-After` once a limit is reached. With
   * the id of a valid device cookie for this e-mail, the device's own count replaces the e-mail's.
   */
  consume(ip: string, email: string, deviceId?: string | null): Promise<void>;
  /** Counts one sign-up from an IP; throws 429 RATE_LIMITED with `Retry-After` past the limit. */
  consumeSignup(ip: string): Promise<void>;
  /** Forgets the e-mail's (and the device's) failures after a successful login. */
  reset(email: string, deviceId?: string | null): Promise<void>;
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

/** ioredis (some 50 modules) is loaded only when Redis is configured, not at every start. */
function loadRedis(): typeof Redis {
  return (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis;
}

/**
 * Login limits per IP and per e-mail (rate-limiter-flexible). With Redis every instance shares the
 * counts; if Redis fails, an in-memory limiter takes over so that logins keep being limited.
 */
export function createLoginLimiter(options: LoginLimiterOptions): LoginLimiter {
  const prefix = options.prefix ?? 'tenet:login';
  const redis = options.redisUrl
    ? new (loadRedis())(options.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: false,
      })
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
  const byDevice = limiter('device');
  const signUpsByIp = limiter('signup');

  async function limit(message: string, attempts: Promise<unknown>[]): Promise<void> {
    try {
      await Promise.all(attempts);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError('RATE_LIMITED', { message, headers: { 'Retry-After': String(seconds) } });
    }
  }

  return {
    consume(ip, email, deviceId) {
      // A browser that signed in to this account before has its own count (OWASP device cookies):
      // failures from elsewhere, which lock the e-mail, cannot lock its owner out.
      const account = deviceId ? byDevice.consume(deviceId) : byEmail.consume(email);
      return limit('Too many sign-in attempts, retry later', [byIp.consume(ip), account]);
    },
    consumeSignup(ip) {
      return limit('Too many sign-ups from this address, retry later', [signUpsByIp.consume(ip)]);
    },
    async reset(email, deviceId) {
      await Promise.all([byEmail.delete(email), deviceId ? byDevice.delete(deviceId) : undefined]);
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
