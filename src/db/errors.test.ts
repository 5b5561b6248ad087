import assert from 'node:assert/strict';
import { test } from 'node:test';
import { databaseErrorToAppError, isDatabaseUnavailable } from './errors.ts';

function pgError(fields: Record<string, unknown>) {
  return Object.assign(new Error('driver text that must never reach a client'), {
    severity: 'ERROR',
    ...fields,
  });
}

test('unique violations: 409 ALREADY_EXISTS naming the camelCase field', () => {
  const byConstraint = databaseErrorToAppError(
    pgError({ code: '23505', table: 'users', constraint: 'users_email_unique' }),
  );
  assert.equal(byConstraint?.code, 'ALREADY_EXISTS');
  assert.deepEqual(byConstraint?.details, { email: ['Already exists'] });
  const byDetail = databaseErrorToAppError(
    pgError({
      code: '23505',
      table: 't',
      constraint: 'odd_name',
      detail: 'Key (user_id, display_name)=(1, x) already exists.',
    }),
  );
  assert.deepEqual(byDetail?.details, { userId: ['Already exists'], displayName: ['Already exists'] });
});

test('unreachable, overloaded or restarting databases: 503 with Retry-After', () => {
  const cases = [
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    new Error('timeout exceeded when trying to connect'),
    new Error('Connection terminated unexpectedly'),
    pgError({ code: '53300' }),
    pgError({ code: '57P01' }),
    pgError({ code: '08006' }),
    new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
  ];
  for (const error of cases) {
    assert.ok(isDatabaseUnavailable(error), error.message);
    const mapped = databaseErrorToAppError(error);
    assert.equal(mapped?.code, 'SERVICE_UNAVAILABLE');
    assert.equal(mapped?.status, 503);
    assert.equal(mapped?.headers?.['Retry-After'], '5');
    assert.doesNotMatch(mapped?.message ?? '', /ECONN|127|terminated|timeout/);
  }
});

test('any other database error: 500 DATABASE_ERROR with a generic message; non-database errors pass', () => {
  const mapped = databaseErrorToAppError(pgError({ code: '42P01' }));
  assert.equal(mapped?.code, 'DATABASE_ERROR');
  assert.equal(mapped?.message, 'Database error');
  assert.equal(databaseErrorToAppError(new TypeError('x is not a function')), undefined);
  assert.equal(
    databaseErrorToAppError(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE' })),
    undefined,
  );
});
