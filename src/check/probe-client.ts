import { CookieJar, type SetCookie } from './cookie-jar.ts';

/** One request the check sent and what came back. */
export interface Exchange {
  method: string;
  /** Path and query, relative to the base URL's origin. */
  target: string;
  /** The path alone, as the server routes it. */
  path: string;
  status: number;
  headers: Headers;
  setCookies: SetCookie[];
  contentType: string;
  text: string;
  /** The parsed body when it is JSON, else `undefined`. */
  json: unknown;
  /** Whether `text` parsed as JSON. */
  isJson: boolean;
  /** Set for documents tools read raw (the OpenAPI document): not held to the envelope rules. */
  raw: boolean;
}

/** A request to send. */
export interface ProbeRequest {
  method: string;
  /** A path under the base URL, with its query if any. */
  path: string;
  body?: unknown;
  /**
   * Which cookies to send: the jar's (default), none, or an explicit Cookie header (to replay an
   * old token).
   */
  cookies?: 'jar' | 'none' | { header: string };
  /** Echo the CSRF cookie in X-CSRF-Token on a write. @default true */
  csrf?: boolean;
  raw?: boolean;
  /** Extra request headers, applied last. */
  headers?: Record<string, string>;
}

/** Thrown when the request budget is spent: the run stops and reports what it saw. */
export class BudgetExceeded extends Error {
  constructor(limit: number) {
    super(`request budget of ${limit} spent`);
    this.name = 'BudgetExceeded';
  }
}

/** Thrown when a request fails below HTTP (refused connection, timeout, reset). */
export class TransportError extends Error {
  readonly request: string;

  constructor(request: string, cause: unknown) {
    super(
      `${request}: ${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}`,
    );
    this.name = 'TransportError';
    this.request = request;
  }
}

/** The largest answer the check reads: a run is bounded in memory as well as in requests. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

async function readText(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      await response.body.cancel().catch(() => {});
      throw new Error(`answer larger than ${limit / 1024 / 1024} MB`);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const CSRF_COOKIE = /csrf|xsrf/i;

/** Options for a {@link ProbeClient}. */
export interface ProbeClientOptions {
  baseUrl: URL;
  maxRequests: number;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * The only way the check talks to the API: one origin, a request budget, a timeout per request, no
 * redirects followed, and a cookie jar. Every exchange is handed to the observers (the envelope,
 * representation and OpenAPI rules see every answer).
 */
export class ProbeClient {
  readonly jar: CookieJar;
  readonly origin: string;
  /** Whether Secure cookies are sent back over plain http (loopback only). */
  readonly secureOverHttp: boolean;
  readonly #options: ProbeClientOptions;
  readonly #observers: Array<(exchange: Exchange) => void> = [];
  #sent = 0;
  #limit: number;

  constructor(options: ProbeClientOptions) {
    this.#options = options;
    this.#limit = options.maxRequests;
    this.origin = options.baseUrl.origin;
    const secureTransport = options.baseUrl.protocol === 'https:';
    this.secureOverHttp = !secureTransport && LOOPBACK_HOSTS.has(options.baseUrl.hostname);
    this.jar = new CookieJar({ sendSecureOverHttp: this.secureOverHttp });
  }

  /** How many requests were sent. */
  get sent(): number {
    return this.#sent;
  }

  /** Requests left in the budget. */
  get remaining(): number {
    return this.#limit - this.#sent;
  }

  /** Opens a small reserve past the budget, kept for cleaning up what the run created. */
  openReserve(requests: number): void {
    this.#limit = Math.max(this.#limit, this.#sent) + requests;
  }

  /** Adds a function called with every exchange. */
  observe(observer: (exchange: Exchange) => void): void {
    this.#observers.push(observer);
  }

  /** The name of the CSRF cookie the server set, if any. */
  csrfCookieName(): string | undefined {
    return this.jar.names().find((name) => CSRF_COOKIE.test(name));
  }

  /** Sends one request to the base URL's origin and records the exchange. */
  async send(request: ProbeRequest): Promise<Exchange> {
    if (this.#sent >= this.#limit) throw new BudgetExceeded(this.#options.maxRequests);
    const url = new URL(request.path, this.origin);
    // Nothing is ever sent anywhere but the given base URL's origin.
    if (url.origin !== this.origin) throw new Error(`refusing to send to ${url.origin}`);
    const method = request.method.toUpperCase();
    const target = `${url.pathname}${url.search}`;
    const headers = new Headers({ accept: 'application/json' });
    const cookies = request.cookies ?? 'jar';
    const cookieHeader =
      cookies === 'jar'
        ? this.jar.header(url.pathname, url.protocol === 'https:')
        : cookies === 'none'
          ? undefined
          : cookies.header;
    if (cookieHeader) headers.set('cookie', cookieHeader);
    if (WRITE_METHODS.has(method)) {
      // A browser sends Origin on every same-origin write; an Origin check must let it through.
      headers.set('origin', this.origin);
      const csrfName = this.csrfCookieName();
      const csrf = csrfName && cookies === 'jar' ? this.jar.get(csrfName, url.pathname) : undefined;
      if ((request.csrf ?? true) && csrf) headers.set('x-csrf-token', csrf);
    }
    for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers.set('content-type', 'application/json');
    }
    this.#sent += 1;
    let response: Response;
    let text: string;
    try {
      response = await (this.#options.fetch ?? fetch)(url, {
        method,
        headers,
        body,
        // Never follow a redirect: it could lead to another host.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      text = await readText(response, MAX_BODY_BYTES);
    } catch (error) {
      throw new TransportError(`${method} ${target}`, error);
    }
    const setCookies = cookies === 'jar' ? this.jar.store(response.headers.getSetCookie(), url.pathname) : [];
    const parsedCookies =
      cookies === 'jar'
        ? setCookies
        : new CookieJar({ sendSecureOverHttp: true }).store(response.headers.getSetCookie(), url.pathname);
    let json: unknown;
    let isJson = false;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
        isJson = true;
      } catch {
        isJson = false;
      }
    }
    const exchange: Exchange = {
      method,
      target,
      path: url.pathname,
      status: response.status,
      headers: response.headers,
      setCookies: parsedCookies,
      contentType: response.headers.get('content-type') ?? '',
      text,
      json,
      isJson,
      raw: request.raw ?? false,
    };
    for (const observer of this.#observers) observer(exchange);
    return exchange;
  }
}

/** `GET /api/users?page=2 -> 200`, the evidence line for an exchange. */
export function describeExchange(exchange: Exchange): string {
  return `${exchange.method} ${exchange.target} -> ${exchange.status}`;
}
