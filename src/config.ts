import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const MIN_SECRET_LENGTH = 32;

/** A comma-separated variable: its entries, trimmed, empty ones dropped, each then checked by `items`. */
function commaList<T extends z.ZodType<unknown, string[]>>(items: T) {
  return z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(items);
}

function secretList(name: string) {
  return commaList(
    z
      .array(
        z.string().min(MIN_SECRET_LENGTH, `each ${name} must be at least ${MIN_SECRET_LENGTH} characters`),
      )
      .min(1, `${name} must not be empty`),
  );
}

const booleanText = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

function seconds(defaultValue: number, max: number) {
  return z.coerce.number().int().min(1).max(max).default(defaultValue);
}

const originList = commaList(
  z.array(
    z.string().refine((origin) => URL.canParse(origin) && new URL(origin).origin === origin, {
      message: 'each CORS_ORIGINS entry must be an origin such as https://app.example.com',
    }),
  ),
);

const publicUrlList = commaList(
  z
    .array(
      z
        .string()
        .refine(
          (url) =>
            URL.canParse(url) &&
            /^https?:$/.test(new URL(url).protocol) &&
            new URL(url).origin === url.replace(/\/$/, ''),
          { message: 'each PUBLIC_URL entry must be an origin such as https://api.example.com' },
        )
        .transform((url) => new URL(url).origin),
    )
    .min(1, 'PUBLIC_URL must not be empty'),
);

/** The origins browsers use when `PUBLIC_URL` is unset (never in production). */
function defaultPublicOrigins(host: string, port: number): string[] {
  // A loopback or wildcard bind is reached as localhost or 127.0.0.1; name both, never the Host header.
  if (['127.0.0.1', '0.0.0.0', 'localhost', '::', '::1'].includes(host)) {
    return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  }
  return [`http://${host.includes(':') ? `[${host}]` : host}:${port}`];
}

const trustProxy = z.string().transform((value, ctx): boolean | number | string[] => {
  const text = value.trim();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((part) => part.trim());
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    if (!address || isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      ctx.addIssue({
        code: 'custom',
        message: 'TRUST_PROXY must be true, false, a hop count, or a list of IPs/CIDRs',
      });
      return z.NEVER;
    }
  }
  return entries;
});

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: publicUrlList.optional(),
  DATABASE_URL: z
    .string()
    .refine((url) => /^(postgres|postgresql):\/\/|^memory:\/\/$/.test(url), {
      message: 'DATABASE_URL must be postgres://…, postgresql://… or memory://',
    })
    .optional(),
  DATABASE_DIRECT_URL: z
    .string()
    .refine((url) => /^(postgres|postgresql):\/\//.test(url), {
      message: 'DATABASE_DIRECT_URL must be postgres://… or postgresql://…',
    })
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  DATABASE_PREPARED_STATEMENTS: booleanText.default(true),
  JWT_SECRET: secretList('JWT_SECRET').optional(),
  CSRF_SECRET: z
    .string()
    .min(MIN_SECRET_LENGTH, `CSRF_SECRET must be at least ${MIN_SECRET_LENGTH} characters`)
    .optional(),
  REDIS_URL: z
    .string()
    .refine((url) => /^rediss?:\/\//.test(url), { message: 'REDIS_URL must be redis://… or rediss://…' })
    .optional(),
  COOKIE_SECURE: booleanText.default(true),
  CORS_ORIGINS: originList.default([]),
  SIGNUP: z.enum(['open', 'closed']).default('open'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_EMAIL: z.email('ADMIN_EMAIL must be an e-mail address').optional(),
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must be at least 8 characters').max(256).optional(),
  TRUST_PROXY: trustProxy.default(false),
  ACCESS_TOKEN_TTL: seconds(900, 86_400),
  REFRESH_TOKEN_TTL: seconds(604_800, 31_536_000),
  REFRESH_REUSE_GRACE: z.coerce.number().int().min(0).max(300).default(10),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10),
  API_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(0),
  MAX_EVENT_LOOP_DELAY: z.coerce.number().int().min(0).max(60_000).default(1_000),
});

/** Where the database lives. */
export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'memory' }
  | {
      kind: 'postgres';
      url: string;
      poolSize: number;
      /** A session-mode connection for LISTEN and advisory locks when `url` goes through a transaction pooler; unset means `url`. */
      directUrl?: string;
      /** `false` runs every query unnamed (`DATABASE_PREPARED_STATEMENTS`); unset means the hot reads are prepared. */
      preparedStatements?: boolean;
    };

/** The validated, frozen configuration every part of tenet receives; nothing else reads `process.env`. */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /**
   * The origins browsers reach the server at (`PUBLIC_URL`): the Origin check's "same origin".
   * Never derived from the Host header, which any client (or a DNS-rebinding page) chooses.
   */
  publicOrigins: readonly string[];
  /** The folder for local state (`./.tenet`): the embedded database and generated secrets. */
  stateDir: string;
  database: DatabaseConfig;
  /** HS256 keys; the first signs, all verify. */
  jwtSecrets: readonly string[];
  csrfSecret: string;
  redisUrl: string | undefined;
  cookieSecure: boolean;
  corsOrigins: readonly string[];
  signup: 'open' | 'closed';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  admin: { email: string; password: string } | undefined;
  trustProxy: boolean | number | readonly string[];
  /** Seconds. @default 900 */
  accessTokenTtl: number;
  /** Seconds. @default 604800 */
  refreshTokenTtl: number;
  /** Seconds. @default 10 */
  refreshReuseGrace: number;
  /** Login attempts per 15 minutes, per e-mail and per IP. @default 10 */
  loginRateLimit: number;
  /** Requests per minute per signed-in user, or per client IP for anonymous calls; 0 is no limit. */
  apiRateLimit: number;
  /** Event-loop delay (ms) past which requests get 503 SERVICE_UNAVAILABLE; 0 turns it off. @default 1000 */
  maxEventLoopDelay: number;
}

/** A configuration that cannot start; its message names every variable at fault. */
export class ConfigError extends Error {
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

interface StoredSecrets {
  jwtSecret: string;
  csrfSecret: string;
}

/** Reads the development secrets from the state folder, creating them (mode 0600) on first use. */
function loadStoredSecrets(stateDir: string): StoredSecrets {
  const file = join(stateDir, 'secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredSecrets>;
    if (typeof stored.jwtSecret === 'string' && typeof stored.csrfSecret === 'string') {
      return { jwtSecret: stored.jwtSecret, csrfSecret: stored.csrfSecret };
    }
  }
  // Generated secrets stay readable by the owner only: anyone who reads them can forge sessions.
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const secrets = {
    jwtSecret: randomBytes(32).toString('base64url'),
    csrfSecret: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The folder `./.tenet` is resolved against. @default process.cwd() */
  cwd?: string;
}

/**
 * Parses the environment once into a frozen {@link Config}. Outside production, missing secrets are
 * generated once and kept in `./.tenet/`; in production a missing secret or database throws a
 * {@link ConfigError} naming the variable.
 */
export function loadConfig(
  environment: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions = {},
): Config {
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production) {
    if (!env.DATABASE_URL) problems.push('DATABASE_URL is required in production');
    if (!env.PUBLIC_URL) problems.push('PUBLIC_URL is required in production');
    if (!env.JWT_SECRET) problems.push('JWT_SECRET is required in production');
    if (!env.CSRF_SECRET) problems.push('CSRF_SECRET is required in production');
    // Cookies without Secure travel over plain HTTP, where anyone on the path can read the session.
    if (!env.COOKIE_SECURE) problems.push('COOKIE_SECURE=false is refused in production');
  }
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (env.DATABASE_DIRECT_URL && !env.DATABASE_URL?.startsWith('postgres')) {
    problems.push('DATABASE_DIRECT_URL needs DATABASE_URL to be a PostgreSQL URL');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const stateDir = resolve(options.cwd ?? process.cwd(), '.tenet');
  const stored = env.JWT_SECRET && env.CSRF_SECRET ? undefined : loadStoredSecrets(stateDir);

  const database = databaseConfig(
    env.DATABASE_URL,
    env.DATABASE_POOL_SIZE,
    stateDir,
    env.DATABASE_DIRECT_URL,
    env.DATABASE_PREPARED_STATEMENTS,
  );

  return deepFreeze({
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    publicOrigins: env.PUBLIC_URL ?? defaultPublicOrigins(env.HOST, env.PORT),
    stateDir,
    database,
    jwtSecrets: env.JWT_SECRET ?? [stored?.jwtSecret ?? ''],
    csrfSecret: env.CSRF_SECRET ?? stored?.csrfSecret ?? '',
    redisUrl: env.REDIS_URL,
    cookieSecure: env.COOKIE_SECURE,
    corsOrigins: env.CORS_ORIGINS,
    signup: env.SIGNUP,
    logLevel: env.LOG_LEVEL,
    admin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD
        ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }
        : undefined,
    trustProxy: env.TRUST_PROXY,
    accessTokenTtl: env.ACCESS_TOKEN_TTL,
    refreshTokenTtl: env.REFRESH_TOKEN_TTL,
    refreshReuseGrace: env.REFRESH_REUSE_GRACE,
    loginRateLimit: env.LOGIN_RATE_LIMIT,
    apiRateLimit: env.API_RATE_LIMIT,
    maxEventLoopDelay: env.MAX_EVENT_LOOP_DELAY,
  });
}

function databaseConfig(
  url: string | undefined,
  poolSize: number,
  stateDir: string,
  directUrl?: string,
  preparedStatements = true,
): DatabaseConfig {
  if (url === undefined) return { kind: 'pglite', dataDir: join(stateDir, 'pgdata') };
  if (url === 'memory://') return { kind: 'memory' };
  return {
    kind: 'postgres',
    url,
    poolSize,
    ...(directUrl ? { directUrl } : {}),
    ...(preparedStatements ? {} : { preparedStatements }),
  };
}

/**
 * Only the database part of the configuration (`DATABASE_URL`, `DATABASE_POOL_SIZE`), for commands
 * that read a database and need no secrets (`tenet db lint`): nothing is written to `./.tenet`.
 */
export function loadDatabaseConfig(
  environment: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions = {},
): DatabaseConfig {
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.pick({ DATABASE_URL: true, DATABASE_POOL_SIZE: true }).safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const stateDir = resolve(options.cwd ?? process.cwd(), '.tenet');
  return deepFreeze(databaseConfig(parsed.data.DATABASE_URL, parsed.data.DATABASE_POOL_SIZE, stateDir));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
