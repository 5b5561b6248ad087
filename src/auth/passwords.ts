import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { AppError } from '../protocol/errors.ts';
import { lowerWorkerPriority } from './worker-priority.ts';

const argon2Async = promisify(argon2);

/** OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane. */
export const PASSWORD_PARAMETERS = Object.freeze({ memory: 19_456, passes: 2, parallelism: 1 });

const SALT_BYTES = 16;
const TAG_BYTES = 32;
const PHC = /^\$argon2(id|i|d)\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface ParsedHash {
  algorithm: 'argon2id' | 'argon2i' | 'argon2d';
  version: number;
  memory: number;
  passes: number;
  parallelism: number;
  salt: Buffer;
  tag: Buffer;
}

function parseHash(encoded: string): ParsedHash | null {
  const match = PHC.exec(encoded);
  if (!match) return null;
  const [, variant, version, memory, passes, parallelism, salt, tag] = match;
  return {
    algorithm: `argon2${variant}` as ParsedHash['algorithm'],
    version: Number(version),
    memory: Number(memory),
    passes: Number(passes),
    parallelism: Number(parallelism),
    salt: Buffer.from(salt ?? '', 'base64'),
    tag: Buffer.from(tag ?? '', 'base64'),
  };
}

const unpadded = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');

async function derive(
  password: string,
  salt: Buffer,
  parameters: { algorithm: ParsedHash['algorithm']; memory: number; passes: number; parallelism: number },
  tagLength: number,
): Promise<Buffer> {
  return argon2Async(parameters.algorithm, {
    message: password,
    nonce: salt,
    memory: parameters.memory,
    passes: parameters.passes,
    parallelism: parameters.parallelism,
    tagLength,
  });
}

/** Hashes a password with argon2id at the OWASP minimum, as a PHC string. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const tag = await derive(password, salt, { algorithm: 'argon2id', ...PASSWORD_PARAMETERS }, TAG_BYTES);
  const { memory, passes, parallelism } = PASSWORD_PARAMETERS;
  return `$argon2id$v=19$m=${memory},t=${passes},p=${parallelism}$${unpadded(salt)}$${unpadded(tag)}`;
}

/** The outcome of checking a password against a stored hash. */
export interface PasswordCheck {
  valid: boolean;
  /** The hash uses weaker parameters than today's: re-hash it now that the password is known. */
  needsRehash: boolean;
}

/** Checks a password against a PHC hash in constant time; an unreadable hash never matches. */
export async function verifyPassword(encoded: string, password: string): Promise<PasswordCheck> {
  const parsed = parseHash(encoded);
  // Bounds keep a corrupted or hostile stored hash from asking for gigabytes of memory.
  if (
    !parsed ||
    parsed.memory > 1_048_576 ||
    parsed.passes > 64 ||
    parsed.parallelism > 16 ||
    parsed.tag.length < 16
  ) {
    return { valid: false, needsRehash: false };
  }
  const tag = await derive(password, parsed.salt, parsed, parsed.tag.length);
  const valid = timingSafeEqual(tag, parsed.tag);
  const needsRehash =
    parsed.algorithm !== 'argon2id' ||
    parsed.version !== 19 ||
    parsed.memory < PASSWORD_PARAMETERS.memory ||
    parsed.passes < PASSWORD_PARAMETERS.passes;
  return { valid, needsRehash };
}

// Whether the worker threads' priority has been lowered (once per process).
let prioritized = false;

/** Seconds a client is asked to wait when every hashing slot is taken. */
export const HASHING_RETRY_AFTER_SECONDS = 1;

/** Options of a {@link PasswordHasher}. */
export interface PasswordHasherOptions {
  /** Hashes running at once. @default the number of CPUs less one (at least 1) */
  concurrency?: number;
  /** Hashes waiting for a slot before further ones are refused. @default 32 per slot */
  queue?: number;
  /** The longest a hash waits for a slot before it is refused. @default 5000 ms */
  maxWaitMs?: number;
}

interface Waiter {
  resolve(): void;
  timer: NodeJS.Timeout;
}

function hashingUnavailable(): AppError {
  return new AppError('SERVICE_UNAVAILABLE', {
    message: 'Too many sign-ins in progress, retry shortly',
    headers: { 'Retry-After': String(HASHING_RETRY_AFTER_SECONDS) },
  });
}

/**
 * Runs password hashing under a small concurrency bound. Each argon2id hash costs ~9 ms of CPU and
 * 19 MiB. Past the bound a hash waits in a bounded queue for at most `maxWaitMs`; past the queue,
 * or the wait, a login is refused with 503 and `Retry-After`. Waiting rather than refusing at once
 * slows a flooding client to the pace of the hashing: each of its connections holds one pending
 * login, instead of turning into a stream of instant 503s that would take the event loop from reads.
 */
export class PasswordHasher {
  readonly concurrency: number;
  readonly queue: number;
  readonly maxWaitMs: number;
  #active = 0;
  #waiting: Waiter[] = [];
  #dummyHash: Promise<string> | undefined;

  constructor(options: PasswordHasherOptions = {}) {
    // One core stays free for the event loop, so reads are served while logins hash.
    this.concurrency = options.concurrency ?? Math.max(1, availableParallelism() - 1);
    this.queue = options.queue ?? this.concurrency * 32;
    this.maxWaitMs = options.maxWaitMs ?? 5_000;
  }

  /** Hashes a new password. */
  hash(password: string): Promise<string> {
    return this.#run(() => hashPassword(password));
  }

  /** Verifies a password against a stored hash. */
  verify(encoded: string, password: string): Promise<PasswordCheck> {
    return this.#run(() => verifyPassword(encoded, password));
  }

  /**
   * Spends the same work as a real verification and always fails: used for unknown e-mails, so
   * that response time does not tell which addresses have accounts.
   */
  async verifyDummy(password: string): Promise<PasswordCheck> {
    this.#dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const encoded = await this.#dummyHash;
    await this.verify(encoded, password);
    return { valid: false, needsRehash: false };
  }

  /**
   * Throws 503 at once when every slot and queue place is taken: called before any other work for
   * a login, so a refused login costs almost nothing.
   */
  assertCapacity(): void {
    if (this.#active >= this.concurrency && this.#waiting.length >= this.queue) throw hashingUnavailable();
  }

  async #run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.concurrency) {
      this.assertCapacity();
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          timer: setTimeout(() => {
            this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
            reject(hashingUnavailable());
          }, this.maxWaitMs),
        };
        this.#waiting.push(waiter);
      });
    } else {
      this.#active++;
    }
    try {
      return await task();
    } finally {
      // The worker threads exist once a hash has run: from then on they yield to the event loop.
      if (!prioritized) {
        prioritized = true;
        lowerWorkerPriority();
      }
      const next = this.#waiting.shift();
      // A waiter inherits the slot, so the count of running hashes never exceeds the bound.
      if (next) {
        clearTimeout(next.timer);
        next.resolve();
      } else this.#active--;
    }
  }
}
