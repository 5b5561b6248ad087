import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createUlidGenerator,
  ULID_TIME_MAX,
  ulidSchema,
  ulidTime,
  ulidToUuid,
  uuidSchema,
  uuidToUlid,
} from './ids.ts';

test('uuid <-> ULID: known values from the ULID spec and the edges', () => {
  // 01ARZ3NDEKTSV4RRFFQ69G5FAV is the ULID spec's example (time 1469922850259); these are its 128 bits.
  assert.equal(ulidToUuid('01ARZ3NDEKTSV4RRFFQ69G5FAV'), '01563e3a-b5d3-d676-4c61-efb99302bd5b');
  assert.equal(uuidToUlid('01563e3a-b5d3-d676-4c61-efb99302bd5b'), '01ARZ3NDEKTSV4RRFFQ69G5FAV');
  assert.equal(uuidToUlid('00000000-0000-0000-0000-000000000000'), '0'.repeat(26));
  assert.equal(uuidToUlid('ffffffff-ffff-ffff-ffff-ffffffffffff'), `7${'Z'.repeat(25)}`);
  assert.equal(ulidToUuid(`7${'Z'.repeat(25)}`), 'ffffffff-ffff-ffff-ffff-ffffffffffff');
  assert.equal(ulidToUuid('01arz3ndektsv4rrffq69g5fav'), '01563e3a-b5d3-d676-4c61-efb99302bd5b');
  assert.equal(uuidToUlid('01563E3A-B5D3-D676-4C61-EFB99302BD5B'), '01ARZ3NDEKTSV4RRFFQ69G5FAV');
});

test('uuid <-> ULID round-trips random values, and byte order is ULID order', () => {
  const pairs: Array<[string, string]> = [];
  for (let index = 0; index < 2000; index += 1) {
    const uuid = crypto.randomUUID();
    const ulid = uuidToUlid(uuid);
    assert.ok(ulidSchema.safeParse(ulid).success, ulid);
    assert.equal(ulidToUuid(ulid), uuid);
    pairs.push([uuid, ulid]);
  }
  const byUuid = [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((pair) => pair[1]);
  const byUlid = [...pairs].sort((a, b) => (a[1] < b[1] ? -1 : 1)).map((pair) => pair[1]);
  assert.deepEqual(byUuid, byUlid);
});

test('the codec refuses anything that is not a UUID or a ULID', () => {
  for (const bad of ['', 'x', '01563e3a-b5d3-d676-4c61-efb99302bd5', '01563e3ab5d3d6764c61efb99302bd5b']) {
    assert.throws(() => uuidToUlid(bad), TypeError);
  }
  // 8 as the first symbol would need 131 bits; I, L, O and U are not Crockford symbols.
  for (const bad of [
    '81ARZ3NDEKTSV4RRFFQ69G5FAV',
    '01ARZ3NDEKTSV4RRFFQ69G5FAI',
    '01ARZ3NDEKTSV4RRFFQ69G5FA',
    '',
  ]) {
    assert.throws(() => ulidToUuid(bad), TypeError);
  }
});

test('ulidTime reads the 48-bit millisecond time', () => {
  assert.equal(ulidTime('01ARZ3NDEKTSV4RRFFQ69G5FAV'), 1469922850259);
  assert.equal(ulidTime(`7${'Z'.repeat(25)}`), ULID_TIME_MAX);
});

test('the generator is monotonic within a millisecond and when the clock steps back', () => {
  let clock = 1_700_000_000_000;
  const next = createUlidGenerator({ now: () => clock });
  const ids = [next(), next(), next()];
  clock -= 5;
  ids.push(next());
  clock += 10;
  ids.push(next());
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ulidTime(ids[0] ?? ''), 1_700_000_000_000);
  assert.equal(ulidTime(ids[3] ?? ''), 1_700_000_000_000, 'a clock stepping back keeps the last time');
  assert.equal(ulidTime(ids[4] ?? ''), 1_700_000_000_005);
  for (const id of ids) assert.ok(uuidSchema.safeParse(ulidToUuid(id)).success);
});

test('the generator increments the random part by one, and carries into the time on overflow', () => {
  const clock = 1_000;
  const fill = (value: number) => (bytes: Uint8Array) => bytes.fill(value);
  const fromZero = createUlidGenerator({ now: () => clock, random: fill(0) });
  assert.equal(ulidToUuid(fromZero()).slice(-4), '0000');
  assert.equal(ulidToUuid(fromZero()).slice(-4), '0001');
  const full = createUlidGenerator({ now: () => clock, random: fill(255) });
  const first = full();
  const second = full();
  assert.equal(ulidTime(first), 1_000);
  assert.equal(ulidTime(second), 1_001, 'overflow borrows the next millisecond');
  assert.ok(second > first);
});

test('the generator refuses times a ULID cannot hold', () => {
  assert.throws(() => createUlidGenerator({ now: () => -1 })(), RangeError);
  assert.throws(() => createUlidGenerator({ now: () => ULID_TIME_MAX + 1 })(), RangeError);
  assert.throws(() => createUlidGenerator({ now: () => 1.5 })(), RangeError);
});
