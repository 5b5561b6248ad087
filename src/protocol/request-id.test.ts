import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveRequestId } from './request-id.ts';

test('a well-formed incoming id is kept; anything else becomes a new UUID', () => {
  assert.equal(resolveRequestId('req-1.2:3_4'), 'req-1.2:3_4');
  assert.equal(resolveRequestId('a'.repeat(128)), 'a'.repeat(128));
  for (const bad of [undefined, '', 'a'.repeat(129), 'new\nline', '<script>', ['a', 'b'], 'é']) {
    const id = resolveRequestId(bad as string | undefined);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
});
