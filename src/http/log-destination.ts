import pino from 'pino';

/**
 * Where the log goes: stdout through an asynchronous buffer, so a request's line is not a blocking
 * write of its own. Lines written while one write is in flight go out together; pino flushes what
 * is left when the process exits.
 */
export function logDestination() {
  return pino.destination({ dest: 1, sync: false });
}
