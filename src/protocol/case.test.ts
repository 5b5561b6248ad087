import assert from 'node:assert/strict';
import { test } from 'node:test';
import { camelToSnake, keysToCamel, keysToSnake, snakeToCamel } from './case.ts';

test('snake_case <-> camelCase, as the spec lists', () => {
  const pairs = [
    ['user_id', 'userId'],
    ['created_at', 'createdAt'],
    ['display_name', 'displayName'],
    ['is_active', 'isActive'],
    ['id', 'id'],
  ];
  for (const [snake, camel] of pairs) {
    assert.equal(snakeToCamel(snake as string), camel);
    assert.equal(camelToSnake(camel as string), snake);
  }
  assert.deepEqual(keysToCamel({ avatar_url: null, user_id: 'u' }), { avatarUrl: null, userId: 'u' });
  assert.deepEqual(keysToSnake({ avatarUrl: null, userId: 'u' }), { avatar_url: null, user_id: 'u' });
});
