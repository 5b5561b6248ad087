import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { createAuth } from '../auth/index.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import { AppError } from '../protocol/errors.ts';
import type { RouteImplementation } from '../protocol/handler.ts';
import { resolveRequestId } from '../protocol/request-id.ts';
import { resourceRoutes } from '../resources/index.ts';
import { registerDocs } from './docs.ts';
import { handleError, OVERLOAD_RETRY_AFTER_SECONDS } from './errors.ts';
import { healthRoutes } from './health.ts';
import { logDestination } from './log-destination.ts';
import { registerRoutes } from './routes.ts';
import { SECURITY_HEADERS } from './security-headers.ts';

/** How often expired sessions are deleted (by one instance at a time). */
export const SESSION_CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

/** @default 1 MiB */
export const BODY_LIMIT_BYTES = 1_048_576;

/** Fastify's form of `TRUST_PROXY`: a hop count becomes "trust the nearest N addresses". */
function trustProxySetting(
  setting: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return typeof setting === 'boolean' ? setting : [...setting];
}

/** What the app is built on; the caller owns the database and closes it after the app. */
export interface AppDependencies {
  database: DatabaseHandle;
  /** A team's own routes, registered beside tenet's with every convention. */
  routes?: readonly RouteImplementation[];
}

/** Builds the Fastify app for a configuration. It is not listening: tests inject, the server listens. */
export async function buildApp(config: Config, dependencies: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel, stream: logDestination() },
    // One log line per response (below) instead of Fastify's two large ones per request.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (request) => resolveRequestId(request.headers['x-request-id']),
    trustProxy: trustProxySetting(config.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    // Bodies may carry __proto__ or constructor.prototype only to attack; refuse them outright.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: 256 },
  });

  // text/plain is what a browser sends cross-site without a preflight; only JSON is parsed.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    // Security headers on every answer, errors included: one precomputed object, not helmet per request.
    reply.headers(SECURITY_HEADERS);
    reply.header('X-Request-Id', request.id);
    // API answers are per-user and may carry session data: never stored by any cache.
    reply.header('Cache-Control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await app.register(cookie);
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelay,
    pressureHandler: async () => {
      throw new AppError('SERVICE_UNAVAILABLE', {
        message: 'Server overloaded, retry later',
        headers: { 'Retry-After': String(OVERLOAD_RETRY_AFTER_SECONDS) },
      });
    },
  });

  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      // An allow-list only: an untrusted Origin is never echoed, and credentials go to listed origins.
      origin: [...config.corsOrigins],
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'X-CSRF-Token', 'X-Request-Id', 'If-Match'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'ETag', 'Location'],
      maxAge: 600,
    });
  }

  app.setErrorHandler(handleError);

  const auth = createAuth(dependencies.database, config);
  const cleanUp = () => {
    auth.cleanUp().catch((error: unknown) => app.log.warn({ err: error }, 'session clean-up failed'));
  };
  let cleanUpTimer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    cleanUpTimer = setInterval(cleanUp, SESSION_CLEANUP_INTERVAL_MS);
    cleanUpTimer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(cleanUpTimer);
    await auth.close();
  });

  const implementations: RouteImplementation[] = [
    ...healthRoutes(dependencies.database),
    ...auth.routes,
    ...resourceRoutes(dependencies.database, config),
    ...(dependencies.routes ?? []),
  ];
  registerRoutes(app, implementations, auth.guard);
  registerDocs(app);

  return app;
}
