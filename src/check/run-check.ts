import { randomBytes } from 'node:crypto';
import {
  ensureSession,
  probeCsrf,
  probeLogout,
  probeMeWithoutSession,
  probeMeWithSession,
  probeRefresh,
  probeValidation,
  signIn,
} from './auth-probe.ts';
import type { CheckContext } from './context.ts';
import { discoverEndpoints, fillPath } from './discovery.ts';
import { inspectEnvelope } from './envelope-rules.ts';
import { Findings, type RuleResult } from './findings.ts';
import { isOpenApiDocument, OpenApiDocument } from './openapi-document.ts';
import { probeList } from './pagination-probe.ts';
import {
  BudgetExceeded,
  describeExchange,
  type Exchange,
  ProbeClient,
  TransportError,
} from './probe-client.ts';
import { inspectRepresentation } from './representation-rules.ts';
import { type CheckArea, checkAreas } from './rules.ts';

/** Where the check looks for the API's OpenAPI document, in order. */
export const OPENAPI_PATHS = ['/api/openapi.json', '/openapi.json'] as const;

/** Options of one run of `tenet check`. */
export interface CheckOptions {
  /** The API's origin, `http://127.0.0.1:3000`. */
  baseUrl: URL;
  /** Sign in as an existing user. */
  credentials?: { email: string; password: string };
  /** Create a user to sign in with, and delete it at the end. */
  signUp?: boolean;
  /** The areas to check. @default every area */
  areas?: readonly CheckArea[];
  /** @default 400 */
  maxRequests?: number;
  /** Per request, in milliseconds. @default 10000 */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The outcome of a run: every rule's result, notes, and what it cost. */
export interface CheckReport {
  baseUrl: string;
  openapi: string | null;
  endpoints: 'openapi' | 'conventions';
  requests: number;
  notes: string[];
  summary: { pass: number; fail: number; warn: number; skip: number };
  results: RuleResult[];
}

/** Requests kept past the budget to delete what the run created. */
const CLEANUP_RESERVE = 4;

async function findDocument(
  client: ProbeClient,
  notes: string[],
): Promise<{ path: string; document: OpenApiDocument } | undefined> {
  for (const path of OPENAPI_PATHS) {
    const exchange = await client.send({ method: 'GET', path, raw: true, cookies: 'none' });
    if (exchange.status === 200 && isOpenApiDocument(exchange.json)) {
      try {
        return { path, document: new OpenApiDocument(exchange.json) };
      } catch (error) {
        // A document the validator cannot load leaves the check on the conventional paths.
        notes.push(
          `The OpenAPI document at ${path} could not be read: ${error instanceof Error ? error.message : String(error)}.`,
        );
      }
    }
  }
  return undefined;
}

function validateAgainst(document: OpenApiDocument, findings: Findings, exchange: Exchange): void {
  if (exchange.raw) return;
  const verdict = document.validate(
    exchange.method,
    exchange.path,
    exchange.status,
    exchange.json,
    exchange.text.length > 0,
  );
  const request = describeExchange(exchange);
  if (verdict.kind === 'valid')
    findings.pass('openapi.response-schema', { request, seen: 'matches the document' });
  else if (verdict.kind === 'invalid')
    findings.fail('openapi.response-schema', { request, seen: verdict.errors.join('; ') });
  else if (verdict.kind === 'undocumented')
    findings.fail('openapi.response-schema', {
      request,
      seen: `status ${verdict.status} is not documented for this operation`,
    });
}

/** Deletes the user the run signed up, with a small reserve past the budget; failures are findings. */
async function deleteCreated(context: CheckContext, path: string): Promise<void> {
  const { client, findings, notes } = context;
  client.openReserve(CLEANUP_RESERVE);
  try {
    const deleted = (await ensureSession(context))
      ? await client.send({ method: 'DELETE', path })
      : undefined;
    if (deleted && deleted.status < 300) {
      notes.push(`Deleted the user it created (${describeExchange(deleted)}).`);
      return;
    }
    findings.fail('run.complete', {
      request: deleted ? describeExchange(deleted) : `DELETE ${path}`,
      seen: 'could not delete the user the run created',
    });
  } catch (error) {
    findings.fail('run.complete', {
      request: `DELETE ${path}`,
      seen: `could not delete the user the run created: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** Probes a running API from outside and reports, rule by rule, where it breaks the protocol. */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const client = new ProbeClient({
    baseUrl: options.baseUrl,
    maxRequests: options.maxRequests ?? 400,
    timeoutMs: options.timeoutMs ?? 10_000,
    fetch: options.fetch,
  });
  const findings = new Findings(options.areas ?? checkAreas);
  const notes: string[] = [];
  if (client.secureOverHttp) {
    notes.push(
      `Secure cookies are sent back over plain http to ${options.baseUrl.host} (a loopback address, as browsers do for localhost), for testing only.`,
    );
  } else if (options.baseUrl.protocol === 'http:') {
    notes.push(
      'Plain http to a host that is not loopback: Secure cookies are not sent back, as a browser would not.',
    );
  }
  client.observe((exchange) => inspectEnvelope(exchange, findings));
  client.observe((exchange) => inspectRepresentation(exchange, findings));

  const context: CheckContext = {
    client,
    findings,
    endpoints: discoverEndpoints(undefined),
    credentials: options.credentials,
    user: undefined,
    sessionCookies: [],
    signedIn: false,
    notes,
  };
  let openapiPath: string | null = null;
  let created: string | undefined;
  try {
    const found = await findDocument(client, notes);
    if (found) {
      openapiPath = found.path;
      context.endpoints = discoverEndpoints(found.document);
      client.observe((exchange) => validateAgainst(found.document, findings, exchange));
      notes.push(
        `Endpoints read from the OpenAPI document at ${found.path} (${found.document.operations.length} operations).`,
      );
    } else {
      findings.skip('openapi.response-schema', `no OpenAPI document at ${OPENAPI_PATHS.join(' or ')}`);
      notes.push('No OpenAPI document served: endpoints are the protocol’s conventional paths.');
    }
    const { endpoints } = context;

    if (findings.wants('envelope')) {
      const prefix = endpoints.login.split('/').slice(0, 2).join('/') || '';
      const unknown = await client.send({
        method: 'GET',
        path: `${prefix}/tenet-check-no-such-route-${randomBytes(4).toString('hex')}`,
      });
      const code = (unknown.json as { error?: { code?: unknown } } | undefined)?.error?.code;
      findings.check('envelope.not-found', unknown.status === 404 && code === 'NOT_FOUND', {
        request: describeExchange(unknown),
        seen: `status ${unknown.status}${code === undefined ? '' : `, code ${String(code)}`}`,
      });
      // GET is safe on any server: a login route that answers it is only reported.
      const wrong = await client.send({ method: 'GET', path: endpoints.login, cookies: 'none' });
      const allow = wrong.headers.get('allow');
      const wrongCode = (wrong.json as { error?: { code?: unknown } } | undefined)?.error?.code;
      findings.check(
        'envelope.method-not-allowed',
        wrong.status === 405 && wrongCode === 'METHOD_NOT_ALLOWED' && allow !== null,
        {
          request: describeExchange(wrong),
          seen: `status ${wrong.status}${wrongCode === undefined ? '' : `, code ${String(wrongCode)}`}, Allow: ${allow ?? '(none)'}`,
        },
      );
    }

    await probeMeWithoutSession(context);
    if (findings.wants('validation')) {
      await probeValidation(context, () =>
        client.send({
          method: 'POST',
          path: endpoints.login,
          body: { email: 'not-an-email' },
          cookies: 'none',
        }),
      );
    }

    if (options.signUp) {
      const suffix = randomBytes(6).toString('hex');
      const credentials = {
        email: `tenet-check-${suffix}@example.com`,
        password: `Tc-${randomBytes(12).toString('base64url')}`,
      };
      const exchange = await client.send({
        method: 'POST',
        path: endpoints.signUp,
        body: { ...credentials, displayName: `tenet check ${suffix}` },
        cookies: 'none',
      });
      const id = (exchange.json as { data?: { id?: unknown } } | undefined)?.data?.id;
      if (exchange.status < 300 && (typeof id === 'string' || typeof id === 'number')) {
        created = fillPath(endpoints.user, endpoints.user, String(id));
        context.credentials = credentials;
        notes.push(`Signed up as ${credentials.email} (deleted at the end).`);
      } else {
        findings.fail('run.complete', {
          request: describeExchange(exchange),
          seen: 'sign-up did not answer a created user',
        });
      }
    }

    if (!context.credentials) {
      const reason = 'no session: pass --sign-up or --email and --password';
      for (const id of [
        'auth.login',
        'auth.cookie-httponly',
        'auth.cookie-secure',
        'auth.cookie-samesite',
        'auth.cookie-path',
        'auth.cookie-lifetime',
        'auth.refresh-rotates',
        'auth.refresh-reuse-refused',
        'auth.logout-clears-cookies',
        'auth.logout-revokes',
        'auth.logout-revokes-access',
        'csrf.required',
      ] as const)
        findings.skip(id, reason);
    } else if (await signIn(context, true)) {
      await probeMeWithSession(context);
      if (findings.wants('pagination')) {
        for (const list of endpoints.lists) {
          const path = fillPath(list.path, endpoints.user, context.user?.id);
          if (path) await probeList(client, findings, path, list.operation);
        }
      }
      if (findings.wants('csrf')) await probeCsrf(context);
      if (findings.wants('validation') && created && (await ensureSession(context))) {
        // Only on the user the run made: a wrongly accepted write changes nothing anyone owns.
        await probeValidation(context, () =>
          client.send({ method: 'PATCH', path: created as string, body: { displayName: 42 } }),
        );
      }
      if (findings.wants('auth')) {
        if (await ensureSession(context)) await probeRefresh(context);
        if (await ensureSession(context)) await probeLogout(context);
      }
    }
    findings.pass('run.complete', { request: '-', seen: `${client.sent} requests` });
  } catch (error) {
    if (!(error instanceof BudgetExceeded || error instanceof TransportError)) throw error;
    findings.fail('run.complete', {
      request: error instanceof TransportError ? error.request : '-',
      seen: error.message,
    });
  } finally {
    if (created) await deleteCreated(context, created);
  }

  const results = findings.results();
  return {
    baseUrl: options.baseUrl.origin,
    openapi: openapiPath,
    endpoints: context.endpoints.source,
    requests: client.sent,
    notes,
    summary: {
      pass: results.filter((result) => result.status === 'pass').length,
      fail: results.filter((result) => result.status === 'fail').length,
      warn: results.filter((result) => result.status === 'warn').length,
      skip: results.filter((result) => result.status === 'skip').length,
    },
    results,
  };
}
