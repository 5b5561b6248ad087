import { errorCatalogue, isErrorCode } from '../protocol/errors.ts';
import type { Findings } from './findings.ts';
import { isIsoTimestamp } from './iso-time.ts';
import { describeExchange, type Exchange } from './probe-client.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDetails(value: unknown): boolean {
  return (
    isRecord(value) &&
    Object.values(value).every(
      (messages) => Array.isArray(messages) && messages.every((m) => typeof m === 'string'),
    )
  );
}

/** Holds one answer to the envelope rules: shape, meta, error code and status. */
export function inspectEnvelope(exchange: Exchange, findings: Findings): void {
  if (exchange.raw) return;
  const request = describeExchange(exchange);
  const noBody = exchange.text.length === 0;
  if (exchange.status === 204 || exchange.status === 304) {
    findings.check('envelope.json', noBody, {
      request,
      seen: noBody ? 'no body' : `a ${exchange.status} with a body`,
    });
    return;
  }
  const isJsonType = /\bjson\b/i.test(exchange.contentType);
  if (
    !findings.check('envelope.json', !noBody && exchange.isJson && isJsonType, {
      request,
      seen: noBody
        ? 'no body'
        : !exchange.isJson
          ? `a body that is not JSON: ${JSON.stringify(exchange.text.slice(0, 80))}`
          : isJsonType
            ? 'a JSON envelope'
            : `JSON sent as ${JSON.stringify(exchange.contentType)}`,
    }) &&
    !exchange.isJson
  ) {
    return;
  }
  const body = exchange.json;
  if (!isRecord(body) || typeof body.success !== 'boolean') {
    findings.fail('envelope.shape', {
      request,
      seen: `no boolean \`success\`: ${JSON.stringify(body).slice(0, 120)}`,
    });
    if (exchange.status < 300 && isRecord(body) && ('error' in body || 'errors' in body)) {
      findings.fail('envelope.no-error-with-2xx', { request, seen: 'an error body with a success status' });
    }
    return;
  }
  const error = body.error;
  const shapeProblem = body.success
    ? !('data' in body)
      ? 'success without `data`'
      : 'error' in body
        ? 'success with an `error`'
        : undefined
    : !isRecord(error)
      ? 'failure without an `error` object'
      : typeof error.code !== 'string' || typeof error.message !== 'string'
        ? '`error` without string `code` and `message`'
        : error.details !== undefined && !isDetails(error.details)
          ? '`error.details` is not a map of field -> messages'
          : undefined;
  findings.check('envelope.shape', shapeProblem === undefined, {
    request,
    seen: shapeProblem ?? `success: ${body.success}`,
  });

  const meta = isRecord(body.meta) ? body.meta : undefined;
  const requestId = meta?.requestId;
  findings.check('envelope.request-id', typeof requestId === 'string' && requestId.length > 0, {
    request,
    seen: meta === undefined ? 'no `meta`' : `meta.requestId ${JSON.stringify(requestId)}`,
  });
  findings.check('envelope.timestamp', isIsoTimestamp(meta?.timestamp), {
    request,
    seen: meta === undefined ? 'no `meta`' : `meta.timestamp ${JSON.stringify(meta.timestamp)}`,
  });

  const successStatus = exchange.status >= 200 && exchange.status < 300;
  findings.check('envelope.no-error-with-2xx', body.success === successStatus, {
    request,
    seen:
      body.success === successStatus
        ? `success: ${body.success}`
        : `success: ${body.success} with status ${exchange.status}`,
  });

  if (!body.success && isRecord(error) && typeof error.code === 'string') {
    const code = error.code;
    if (
      findings.check('envelope.error-code', isErrorCode(code), { request, seen: `code ${code}` }) &&
      isErrorCode(code)
    ) {
      const expected = errorCatalogue[code].status;
      findings.check('envelope.error-status', expected === exchange.status, {
        request,
        seen: `${code} with ${exchange.status}, the catalogue says ${expected}`,
      });
    }
  }
}
