import { createRequire } from 'node:module';
import pino from 'pino';
import type pinoPretty from 'pino-pretty';

/** How log lines are written: `json` (one object per line) or `pretty` (coloured, for a person). */
export type LogFormat = 'json' | 'pretty';

/**
 * Chooses the log format: pretty only when a person reads it live (stdout is a terminal) in
 * development; JSON everywhere else, so log collectors and pipes always get one object per line.
 */
export function chooseLogFormat(facts: {
  env: 'development' | 'production' | 'test';
  stdoutIsTerminal: boolean;
}): LogFormat {
  return facts.env === 'development' && facts.stdoutIsTerminal ? 'pretty' : 'json';
}

/**
 * Where the log goes. JSON: stdout through an asynchronous buffer, so a request's line is not a
 * blocking write of its own; lines written while one write is in flight go out together, and pino
 * flushes what is left when the process exits. Pretty: pino-pretty in this thread (no worker), for
 * a terminal in development only.
 */
export function logDestination(format: LogFormat = 'json', prettyTo?: NodeJS.WritableStream) {
  if (format === 'pretty') {
    // Loaded only for a terminal: a server writing JSON never needs it.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof pinoPretty;
    return pretty({
      colorize: prettyTo === undefined,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      ...(prettyTo ? { destination: prettyTo } : {}),
    });
  }
  return pino.destination({ dest: 1, sync: false });
}
