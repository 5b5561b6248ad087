import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError, errorCatalogue, errorCodes, isErrorCode } from './errors.ts';

// The spec's table, copied from backend-systems-protocols.txt: the catalogue must match it exactly.
const SPEC_STATUS: Record<string, number> = {
  VALIDATION_ERROR: 400,
  INVALID_INPUT: 400,
  MISSING_FIELD: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  INSUFFICIENT_PERMISSIONS: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  DATABASE_ERROR: 500,
};
const ADDITIONS: Record<string, number> = {
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
};

test('the catalogue is the spec table plus the three documented additions, nothing else', () => {
  const actual = Object.fromEntries(
    Object.entries(errorCatalogue).map(([code, entry]) => [code, entry.status]),
  );
  assert.deepEqual(actual, { ...SPEC_STATUS, ...ADDITIONS });
  assert.deepEqual([...errorCodes].sort(), Object.keys({ ...SPEC_STATUS, ...ADDITIONS }).sort());
  for (const code of errorCodes) assert.match(code, /^[A-Z]+(_[A-Z]+)*$/);
});

test('AppError carries code, status, default message, details and headers', () => {
  const error = new AppError('RATE_LIMITED', { details: { email: ['x'] }, headers: { 'Retry-After': '3' } });
  assert.equal(error.status, 429);
  assert.equal(error.message, 'Too many requests');
  assert.deepEqual(error.details, { email: ['x'] });
  assert.equal(error.headers?.['Retry-After'], '3');
  assert.equal(new AppError('NOT_FOUND', { message: 'User not found' }).message, 'User not found');
});

test('isErrorCode accepts catalogue codes only, never inherited keys', () => {
  assert.ok(isErrorCode('CONFLICT'));
  assert.ok(!isErrorCode('toString'));
  assert.ok(!isErrorCode('__proto__'));
  assert.ok(!isErrorCode(404));
});
