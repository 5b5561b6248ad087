import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Contract } from '../protocol/contract.ts';
import { AppError } from '../protocol/errors.ts';
import type { Implementations } from '../protocol/handler.ts';
import type { OpenApiInfo } from '../protocol/openapi.ts';
import { resolveRequestId } from '../protocol/request-id.ts';
import { handleClientError, handleFrameworkError } from './client-errors.ts';
import { isApiPath, registerConsole } from './console.ts';
import { pairImplementations } from './contract-check.ts';
import { registerDocs } from './docs.ts';
import { appDocument } from './docs-document.ts';
import { handleError, OVERLOAD_RETRY_AFTER_SECONDS } from './errors.ts';
import { registerJsonParser } from './json-body.ts';
import { chooseLogFormat, logDestination } from './log-destination.ts';
import { type Authenticate, publicOnly, registerRoutes } from './routes.ts';
import { API_SECURITY_HEADERS, SECURITY_HEADERS } from './security-headers.ts';

/** @default 1 MiB */
export const BODY_LIMIT_BYTES = 1_048_576;

/** Fastify's form of `TRUST_PROXY`: a hop count becomes "trust the nearest N addresses". */
function trustProxySetting(
  setting: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return typeof setting === 'boolean' ? setting : [...setting];
}

/** Something the app runs beside its routes (a clean-up timer, a connection), started and stopped with it. */
export interface AppService {
  /** Runs once the app is ready (awaited before it serves); `warn` logs a failure of background work. */
  start?(warn: (error: unknown, message: string) => void): void | Promise<void>;
  close?(): Promise<void>;
}

/** What an app is made of; the caller owns the database and closes it after the app. */
export interface CreateAppOptions<C extends Contract> {
  config: Config;
  database: DatabaseHandle;
  /** The app's contract: registration, `/api/openapi.json` and `/docs` all come from it. */
  contract: C;
  /** One handler per route of the contract, under the route's name. */
  implementations: Implementations<C>;
  /** Decides who calls each route before its handler runs. @default public routes only */
  authenticate?: Authenticate;
  /** The OpenAPI document's `info` (title, version, description) and a description per tag. */
  document?: { info?: Partial<OpenApiInfo>; tagDescriptions?: Readonly<Record<string, string>> };
  services?: readonly AppService[];
}

/**
 * Builds the Fastify app of a contract and its implementations. It is not listening: tests inject,
 * the server listens. A route without a handler, or a handler without a route, stops it here.
 */
export async function createApp<C extends Contract>(options: CreateAppOptions<C>): Promise<FastifyInstance> {
  const { config } = options;
  const routes = pairImplementations(options.contract, options.implementations);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      stream: logDestination(
        chooseLogFormat({ env: config.env, stdoutIsTerminal: process.stdout.isTTY === true }),
      ),
    },
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
    // What fails before routing, or before Fastify sees a request, still gets the envelope.
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
  });

  // text/plain is what a browser sends cross-site without a preflight; only JSON is parsed.
  app.removeContentTypeParser('text/plain');
  registerJsonParser(app);

  // The hooks that run on every request take Fastify's callback form: an async hook costs a promise each.
  app.addHook('onRequest', (request, reply, done) => {
    // Security headers on every answer, errors included: one precomputed object, not helmet per request;
    // a JSON answer gets the set that applies to it, a page helmet's whole set.
    reply.headers(isApiPath(request.url) ? API_SECURITY_HEADERS : SECURITY_HEADERS);
    reply.header('X-Request-Id', request.id);
    // API answers are per-user and may carry session data: never stored by any cache.
    reply.header('Cache-Control', 'no-store');
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    done();
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
      allowedHeaders: ['Content-Type', 'X-CSRF-Token', 'X-Request-Id', 'If-Match', 'If-None-Match'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'ETag', 'Location'],
      maxAge: 600,
    });
  }

  app.setErrorHandler(handleError);

  const services = options.services ?? [];
  app.addHook('onReady', async () => {
    for (const service of services)
      await service.start?.((error, message) => app.log.warn({ err: error }, message));
  });
  app.addHook('onClose', async () => {
    for (const service of services) await service.close?.();
  });

  registerRoutes(
    app,
    routes,
    options.authenticate ?? publicOnly,
    config.publicOrigins,
    config.env !== 'production',
  );
  registerDocs(app, appDocument(options.contract, options.document));
  await registerConsole(app);

  return app;
}
