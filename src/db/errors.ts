import { snakeToCamel } from '../protocol/case.ts';
import { AppError } from '../protocol/errors.ts';

/** Seconds a client is asked to wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

// SQLSTATEs that mean "not now" rather than "wrong": connection trouble, no capacity, shutdown,
// cancelled for time, and serialization conflicts that a retry resolves.
const UNAVAILABLE_STATES = new Set([
  '53000',
  '53100',
  '53200',
  '53300',
  '53400',
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '40001',
  '40P01',
]);

// pg-pool and pg report these without a code.
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connection error and is not queryable',
  'Cannot use a pool after calling end',
];

interface DriverError {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  table?: unknown;
  detail?: unknown;
  severity?: unknown;
}

function asDriverError(error: unknown): DriverError | undefined {
  return error !== null && typeof error === 'object' ? (error as DriverError) : undefined;
}

function isSqlState(code: unknown): code is string {
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** Whether an error means the database cannot be reached or has no capacity right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const driver = asDriverError(error);
  if (!driver) return false;
  if (typeof driver.code === 'string' && NETWORK_CODES.has(driver.code)) return true;
  if (isSqlState(driver.code) && (driver.code.startsWith('08') || UNAVAILABLE_STATES.has(driver.code))) {
    return true;
  }
  const message = typeof driver.message === 'string' ? driver.message : '';
  if (UNAVAILABLE_MESSAGES.some((text) => message.includes(text))) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}

/** Returns the camelCase fields a unique violation is about, from the constraint name or detail. */
function uniqueViolationFields(driver: DriverError): string[] {
  if (typeof driver.constraint === 'string' && typeof driver.table === 'string') {
    const prefix = `${driver.table}_`;
    const match = /^(.+)_(unique|key)$/.exec(driver.constraint);
    if (driver.constraint.startsWith(prefix) && match?.[1]) {
      return [snakeToCamel(match[1].slice(prefix.length))];
    }
  }
  // "Key (email)=(…) already exists." — only the column list is read; the value is never echoed.
  const keys = typeof driver.detail === 'string' ? /^Key \(([^)]+)\)=/.exec(driver.detail) : null;
  if (keys?.[1]) return keys[1].split(',').map((column) => snakeToCamel(column.trim()));
  return [];
}

/**
 * Maps a database driver error (pg or PGlite) to an {@link AppError}, or returns `undefined` when
 * the error did not come from the database. Messages stay generic: no SQL, no constraint text.
 */
export function databaseErrorToAppError(error: unknown): AppError | undefined {
  if (isDatabaseUnavailable(error)) {
    return new AppError('SERVICE_UNAVAILABLE', {
      message: 'Database unavailable, retry later',
      headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
      cause: error,
    });
  }
  const driver = asDriverError(error);
  if (!driver || !isSqlState(driver.code) || driver.severity === undefined) return undefined;
  if (driver.code === '23505') {
    const details: Record<string, string[]> = {};
    for (const field of uniqueViolationFields(driver)) details[field] = ['Already exists'];
    return new AppError('ALREADY_EXISTS', { details, cause: error });
  }
  return new AppError('DATABASE_ERROR', { cause: error });
}
