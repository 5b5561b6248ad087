import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonExceedsDepth } from './json-depth.ts';

test('jsonExceedsDepth counts brackets outside strings only', () => {
  assert.equal(jsonExceedsDepth('{"a":[1,{"b":2}]}', 3), false);
  assert.equal(jsonExceedsDepth('{"a":[1,{"b":2}]}', 2), true);
  assert.equal(jsonExceedsDepth(`{"a":"${'['.repeat(100)}"}`, 1), false);
  assert.equal(jsonExceedsDepth('{"a":"\\"[[[["}', 1), false);
  assert.equal(jsonExceedsDepth(`${'['.repeat(5000)}${']'.repeat(5000)}`, 32), true);
});
