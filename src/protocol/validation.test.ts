import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { findUnstorableStrings, NUL_MESSAGE, SURROGATE_MESSAGE, validationError } from './validation.ts';

const schema = z.strictObject({
  email: z.email(),
  profile: z.strictObject({ displayName: z.string().min(1) }),
});

function errorFor(input: unknown, part: 'body' | 'params' | 'query' = 'body') {
  const result = schema.safeParse(input);
  assert.equal(result.success, false);
  return validationError(result.error?.issues ?? [], input, part);
}

test('only missing fields is MISSING_FIELD; any other failure makes it VALIDATION_ERROR', () => {
  const missing = errorFor({});
  assert.equal(missing.code, 'MISSING_FIELD');
  assert.deepEqual(missing.details, { email: ['Required'], profile: ['Required'] });
  const invalid = errorFor({ email: 'nope', profile: { displayName: '' } });
  assert.equal(invalid.code, 'VALIDATION_ERROR');
  assert.deepEqual(Object.keys(invalid.details ?? {}), ['email', 'profile.displayName']);
  const mixed = errorFor({ email: 'nope' });
  assert.equal(mixed.code, 'VALIDATION_ERROR');
  assert.deepEqual(mixed.details?.profile, ['Required']);
});

test('unknown keys are named one by one; a null present value is invalid, not missing', () => {
  const unknown = errorFor({ email: 'a@b.co', profile: { displayName: 'x', role: 'admin' } });
  assert.deepEqual(unknown.details, { 'profile.role': ['Unknown field'] });
  assert.equal(errorFor({ email: null, profile: { displayName: 'x' } }).code, 'VALIDATION_ERROR');
});

test('a bad path parameter is INVALID_INPUT', () => {
  assert.equal(errorFor({}, 'params').code, 'INVALID_INPUT');
});

test('findUnstorableStrings walks strings, arrays and keys: NUL and unpaired surrogates', () => {
  assert.deepEqual(
    findUnstorableStrings({
      a: 'ok',
      b: ['x', 'y\u0000'],
      c: { d: '\u0000', e: 'lone \udfff' },
      'k\u0000': 1,
      pair: '\ud83d\ude00',
    }),
    { 'b.1': [NUL_MESSAGE], 'c.d': [NUL_MESSAGE], 'c.e': [SURROGATE_MESSAGE], 'k\u0000': [NUL_MESSAGE] },
  );
  assert.equal(findUnstorableStrings({ a: 1, b: null, c: true, d: 'fine' }), undefined);
});
