import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { createMeta, successEnvelope } from '../protocol/envelope.ts';
import { compileEnvelopeSerializer, nullableAsTypeList } from './response-serializer.ts';

test('nullableAsTypeList: a nullable with checks becomes a type list; other unions stay', () => {
  assert.deepEqual(nullableAsTypeList({ anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] }), {
    type: ['integer', 'null'],
    minimum: 1,
  });
  const nested = { properties: { a: { description: 'd', anyOf: [{ type: 'null' }, { type: 'string' }] } } };
  assert.deepEqual(nullableAsTypeList(nested), {
    properties: { a: { description: 'd', type: ['string', 'null'] } },
  });
  const union = { anyOf: [{ type: 'string' }, { type: 'integer' }] };
  assert.deepEqual(nullableAsTypeList(union), union);
});

test('the compiled serializer writes what Zod output gives, and nothing undeclared', () => {
  const schema = z.object({
    id: z.string(),
    page: z.number().int().min(1).nullable(),
    tags: z.array(z.object({ name: z.string() })),
    note: z.string().optional(),
  });
  const serialize = compileEnvelopeSerializer(schema);
  const meta = createMeta('request-1', new Date('2026-11-30T00:00:00.000Z'));
  for (const data of [
    { id: 'a', page: null, tags: [], secret: 'x' },
    { id: 'b"\u2028\ud83d\ude00', page: 3, tags: [{ name: 'n', hidden: true }], note: 'here' },
  ]) {
    const expected = JSON.stringify(successEnvelope(schema.parse(data), meta));
    assert.equal(serialize(successEnvelope(data, meta)), expected);
  }
  assert.throws(() => serialize(successEnvelope({ page: 1, tags: [] }, meta)), /id/);
});
