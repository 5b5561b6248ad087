import { z } from 'zod';

// Either case is spelled out in the classes, not as an `i` flag: JSON Schema patterns have no flags,
// so the published pattern accepts exactly what the server accepts.
/** A UUID in its textual form, hex digits in either case, read lower-cased (any version). */
export const uuidSchema = z
  .string()
  // Lower-cased before use, so an id sent in capitals names the same row and the same owner.
  .toLowerCase()
  .regex(/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/, 'Must be a UUID');

/** A ULID: 26 characters of Crockford base 32 in either case, time-ordered. */
export const ulidSchema = z.string().regex(/^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/, 'Must be a ULID');

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CROCKFORD_VALUES = new Map([...CROCKFORD].map((symbol, value) => [symbol, value] as const));
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ULID_TEXT = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
/** The largest time a ULID can hold: 48 bits of Unix milliseconds. */
export const ULID_TIME_MAX = 2 ** 48 - 1;

/**
 * Writes a uuid-formatted 128-bit value as its 26-character Crockford base-32 ULID (upper case).
 * The ULID's 130 bits start with two zero bits, so its first symbol is 0-7.
 */
export function uuidToUlid(uuid: string): string {
  if (!UUID_TEXT.test(uuid)) throw new TypeError('Not a UUID');
  const hex = uuid.replaceAll('-', '');
  let ulid = '';
  let buffer = 0;
  let bufferBits = 2;
  for (const digit of hex) {
    buffer = (buffer << 4) | Number.parseInt(digit, 16);
    bufferBits += 4;
    if (bufferBits >= 5) {
      bufferBits -= 5;
      ulid += CROCKFORD[(buffer >> bufferBits) & 31];
      buffer &= (1 << bufferBits) - 1;
    }
  }
  return ulid;
}

/** Reads a ULID (either case) as the uuid-formatted 128-bit value a `uuid` column stores. */
export function ulidToUuid(ulid: string): string {
  if (!ULID_TEXT.test(ulid)) throw new TypeError('Not a ULID');
  let hex = '';
  let buffer = 0;
  // The first symbol carries two leading bits that must be zero (the regex keeps it 0-7).
  let bufferBits = -2;
  for (const symbol of ulid.toUpperCase()) {
    buffer = (buffer << 5) | (CROCKFORD_VALUES.get(symbol) ?? 0);
    bufferBits += 5;
    while (bufferBits >= 4) {
      bufferBits -= 4;
      hex += ((buffer >> bufferBits) & 15).toString(16);
      buffer &= (1 << bufferBits) - 1;
    }
  }
  return formatUuid(hex);
}

function formatUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The Unix time in milliseconds at which a ULID was made (its first 48 bits). */
export function ulidTime(ulid: string): number {
  if (!ULID_TEXT.test(ulid)) throw new TypeError('Not a ULID');
  let time = 0;
  for (const symbol of ulid.slice(0, 10).toUpperCase())
    time = time * 32 + (CROCKFORD_VALUES.get(symbol) ?? 0);
  return time;
}

/** Sources a ULID generator reads; injectable so tests can freeze time and randomness. */
export interface UlidSources {
  /** Unix milliseconds. @default Date.now */
  now?: () => number;
  /** Fills a byte array with random bytes. @default crypto.getRandomValues */
  random?: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array;
}

/**
 * Returns a monotonic ULID generator: within one millisecond (or if the clock steps back) it
 * increments the previous random part instead of drawing a new one, so ids made by this process
 * always sort in the order they were made.
 */
export function createUlidGenerator(sources: UlidSources = {}): () => string {
  const now = sources.now ?? Date.now;
  const random = sources.random ?? ((bytes: Uint8Array<ArrayBuffer>) => crypto.getRandomValues(bytes));
  const bytes = new Uint8Array(16);
  let lastTime = -1;
  return () => {
    let time = now();
    if (!Number.isSafeInteger(time) || time < 0 || time > ULID_TIME_MAX) {
      throw new RangeError('ULID time must be 0 to 2^48-1 milliseconds');
    }
    if (time > lastTime) {
      random(bytes.subarray(6));
    } else if (incrementRandom(bytes)) {
      time = lastTime;
    } else {
      // 2^80 ids in one millisecond: borrow the next millisecond rather than repeat an id.
      time = lastTime + 1;
      random(bytes.subarray(6));
    }
    lastTime = time;
    for (let index = 5, rest = time; index >= 0; index -= 1, rest = Math.floor(rest / 256)) {
      bytes[index] = rest % 256;
    }
    return uuidToUlid(formatUuid(Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')));
  };
}

/** Adds one to the 80-bit random part (bytes 6-15); returns false when it overflowed to zero. */
function incrementRandom(bytes: Uint8Array): boolean {
  for (let index = 15; index >= 6; index -= 1) {
    const value = bytes[index] ?? 0;
    if (value < 255) {
      bytes[index] = value + 1;
      return true;
    }
    bytes[index] = 0;
  }
  return false;
}
