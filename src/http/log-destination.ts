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

/** What a batch of log lines is handed to: sonic-boom (pino's own destination) in production. */
export interface LogSink {
  write(data: string): boolean;
  flushSync(): void;
}

// Every live batcher is flushed at exit by one listener (an app per test must not add one each).
const live = new Set<WeakRef<TurnBatchedLog>>();
const forgotten = new FinalizationRegistry<WeakRef<TurnBatchedLog>>((ref) => live.delete(ref));
let exitListener = false;

function flushAllAtExit(): void {
  for (const ref of live) ref.deref()?.flushSync();
}

/**
 * Collects the lines of one event-loop turn and hands them to the sink as one write at the end of
 * the turn (`setImmediate`). Under load a turn answers many requests, so their lines cost one
 * `write(2)` instead of one each; when idle, a line still leaves within the turn it was logged in.
 * What is pending when the process exits is written synchronously first.
 */
export class TurnBatchedLog {
  readonly #sink: LogSink;
  #pending: string[] = [];
  #scheduled = false;

  constructor(sink: LogSink) {
    this.#sink = sink;
    const ref = new WeakRef(this);
    live.add(ref);
    forgotten.register(this, ref);
    if (!exitListener) {
      exitListener = true;
      process.once('exit', flushAllAtExit);
    }
  }

  write(line: string): boolean {
    this.#pending.push(line);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
    return true;
  }

  /** Writes what is pending and waits until the sink has written everything. */
  flushSync(): void {
    this.#flush();
    try {
      this.#sink.flushSync();
    } catch {
      // Nothing to flush yet, or the sink is gone (stdout closed): nothing more can be done.
    }
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const data = this.#pending.join('');
    this.#pending = [];
    this.#sink.write(data);
  };
}

/**
 * Where the log goes. JSON: stdout through sonic-boom's asynchronous writes, the lines of each
 * event-loop turn batched into one write (see {@link TurnBatchedLog}). Pretty: pino-pretty in this
 * thread (no worker), for a terminal in development only.
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
  return new TurnBatchedLog(pino.destination({ dest: 1, sync: false }));
}
