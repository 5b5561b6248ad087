const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Returns the incoming `X-Request-Id` when it is 1-128 characters of `[A-Za-z0-9._:-]`, else a new
 * UUID. Anything else is replaced rather than echoed, so a request id can never inject into logs or
 * headers.
 */
export function resolveRequestId(incoming: string | string[] | undefined): string {
  if (typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming)) return incoming;
  return globalThis.crypto.randomUUID();
}
