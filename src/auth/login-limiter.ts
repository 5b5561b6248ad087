import { type RateLimitStore, withinLimits } from './rate-limits.ts';

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
}

/** Options for {@link createLoginLimiter}. */
export interface LoginLimiterOptions {
  /** Attempts per window, per IP and per e-mail. */
  points: number;
  /** Where the counts live (Redis shared by every instance, or this process). */
  store: RateLimitStore;
  /** Key prefix. @default 'tenet:login' */
  prefix?: string;
}

/** Login limits per IP and per e-mail, counted in the store. */
export function createLoginLimiter(options: LoginLimiterOptions): LoginLimiter {
  const prefix = options.prefix ?? 'tenet:login';
  const limiter = (name: string) =>
    options.store.limiter({
      points: options.points,
      duration: LOGIN_WINDOW_SECONDS,
      keyPrefix: `${prefix}:${name}`,
    });
  const byIp = limiter('ip');
  const byEmail = limiter('email');
  const byDevice = limiter('device');
  const signUpsByIp = limiter('signup');

  return {
    consume(ip, email, deviceId) {
      // A browser that signed in to this account before has its own count (OWASP device cookies):
      // failures from elsewhere, which lock the e-mail, cannot lock its owner out.
      const account = deviceId ? byDevice.consume(deviceId) : byEmail.consume(email);
      return withinLimits('Too many sign-in attempts, retry later', [byIp.consume(ip), account]);
    },
    consumeSignup(ip) {
      return withinLimits('Too many sign-ups from this address, retry later', [signUpsByIp.consume(ip)]);
    },
    async reset(email, deviceId) {
      await Promise.all([byEmail.delete(email), deviceId ? byDevice.delete(deviceId) : undefined]);
    },
  };
}
