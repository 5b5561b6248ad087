import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createMeta, failureEnvelope } from '../protocol/envelope.ts';
import { AppError } from '../protocol/errors.ts';
import { resolveRequestId } from '../protocol/request-id.ts';
import { sendError } from './errors.ts';

// Not `import … from 'node:http'`: an ES module import of it builds a facade that reads every export,
// and one of them loads undici (its WebSocket), about 60 ms of every start for a table of reason phrases.
const { STATUS_CODES } = process.getBuiltinModule('node:http');

/**
 * Headers every answer carries even when no route or hook ran (a URL Fastify cannot route, bytes
 * Node cannot parse): the envelope is JSON, never to be sniffed as HTML, never cached.
 */
export const BARE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
});

/** The URL (or a parameter) could not be routed; what the client sent is never echoed back. */
function frameworkErrorToAppError(error: { code?: string }): AppError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new AppError('INVALID_INPUT', { message: 'A path parameter is too long', cause: error });
  }
  return new AppError('INVALID_INPUT', { message: 'The URL is not valid', cause: error });
}

/**
 * Fastify's `frameworkErrors`: a malformed percent-encoding (FST_ERR_BAD_URL) or an over-long path
 * parameter (FST_ERR_MAX_PARAM_LENGTH) fails before any hook runs, so the envelope and its headers
 * are written here.
 */
export function handleFrameworkError(
  error: Error & { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.headers({ ...BARE_SECURITY_HEADERS, 'X-Request-Id': request.id });
  sendError(request, reply, frameworkErrorToAppError(error));
}

function clientErrorMessage(code: string | undefined): string {
  if (code === 'HPE_HEADER_OVERFLOW') return 'Request headers are too large (16 KiB at most)';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'The request took too long to arrive';
  return 'The request is not valid HTTP';
}

/** A raw HTTP/1.1 answer for a request Node could not parse: the envelope, then the connection closes. */
export function rawClientErrorResponse(code: string | undefined, now: Date = new Date()): string {
  const requestId = resolveRequestId(undefined);
  const status = code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify(
    failureEnvelope({ code: 'INVALID_INPUT', message: clientErrorMessage(code) }, createMeta(requestId, now)),
  );
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': requestId,
    ...BARE_SECURITY_HEADERS,
    Connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n\r\n${body}`;
}

/** What Node keeps on a socket while a response is being written on it. */
interface SocketWithResponse extends Socket {
  _httpMessage?: {
    headersSent: boolean;
    writableFinished: boolean;
    once(event: 'finish' | 'close', listener: () => void): void;
  };
}

/**
 * Fastify's `clientErrorHandler`, for what never reaches Fastify (headers over 16 KiB, a NUL in a
 * header, leftover bytes after a short Content-Length): answers with the envelope, then closes.
 */
export function handleClientError(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ err: error }, 'client error');
  const write = () => {
    if (socket.writable) socket.end(rawClientErrorResponse(error.code));
    else socket.destroy();
  };
  // An answer already under way (a pipelined request before the broken bytes) goes out first;
  // one not started (its body never arrived) never will, so this answer replaces it.
  const pending = (socket as SocketWithResponse)._httpMessage;
  if (pending?.headersSent && !pending.writableFinished) {
    pending.once('finish', write);
    pending.once('close', write);
  } else {
    write();
  }
}
