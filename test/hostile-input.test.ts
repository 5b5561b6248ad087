import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BIDI_CONTROL_MESSAGE } from '../src/protocol/text.ts';
import { call, errorOf } from './api-requests.ts';
import { buildTestApp, type TestApp } from './helpers.ts';
import { createSession, type TestSession } from './sessions.ts';

let testApp: TestApp;
let session: TestSession;

before(async () => {
  testApp = await buildTestApp();
  session = await createSession(testApp);
});
after(async () => {
  await testApp.close();
});

function nested(depth: number): string {
  return `{"displayName":"x","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

/** Keys that name a property every plain object inherits: a plain `{}` of details would break on them. */
const INHERITED_KEYS = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  '__proto__',
];

describe('hostile input gets a 400 envelope, never a 500', () => {
  for (const depth of [2_000, 10_000, 100_000]) {
    test(`JSON nested ${depth} levels deep`, async () => {
      const response = await call(testApp, {
        method: 'PATCH',
        url: `/api/users/${session.user.id}`,
        as: session,
        headers: { 'content-type': 'application/json' },
        payload: nested(depth),
      });
      errorOf(response, 400, 'INVALID_INPUT');
    });
  }

  test('an object nested deeply in a query string is refused', async () => {
    const response = await call(testApp, {
      url: `/api/users?${'a['.repeat(3000)}=1`,
      as: session,
    });
    assert.equal(response.statusCode, 400, response.body);
  });

  for (const key of INHERITED_KEYS) {
    test(`body key ${key}`, async () => {
      const response = await call(testApp, {
        method: 'PATCH',
        url: `/api/users/${session.user.id}`,
        as: session,
        headers: { 'content-type': 'application/json' },
        payload: `{"${key}":"x"}`,
      });
      assert.equal(response.statusCode, 400, response.body);
      const body = response.json() as { success: boolean; error: { code: string } };
      assert.equal(body.success, false);
      assert.ok(['VALIDATION_ERROR', 'INVALID_INPUT'].includes(body.error.code), response.body);
    });

    test(`query key ${key}`, async () => {
      const response = await call(testApp, { url: `/api/users?${key}=1`, as: session });
      const details = errorOf(response, 400, 'VALIDATION_ERROR');
      assert.deepEqual(details[key], ['Unknown field']);
    });

    test(`body key ${key} next to a valid field names it`, async () => {
      if (key === '__proto__') return;
      const response = await call(testApp, {
        method: 'POST',
        url: `/api/users/${session.user.id}/posts`,
        as: session,
        headers: { 'content-type': 'application/json' },
        payload: `{"title":"t","body":"b","${key}":1}`,
      });
      const details = errorOf(response, 400, 'VALIDATION_ERROR');
      assert.deepEqual(details[key], ['Unknown field']);
    });
  }
});

describe('validation details are capped', () => {
  test('a 1 MiB body of unknown keys gets a small answer that says it was cut', async () => {
    const keys: string[] = [];
    let size = 2;
    for (let index = 0; size < 1_000_000; index += 1) {
      const entry = `"k${index}":1`;
      keys.push(entry);
      size += entry.length + 1;
    }
    const response = await call(testApp, {
      method: 'PATCH',
      url: `/api/users/${session.user.id}`,
      as: session,
      headers: { 'content-type': 'application/json' },
      payload: `{${keys.join(',')}}`,
    });
    const details = errorOf(response, 400, 'VALIDATION_ERROR');
    assert.ok(response.body.length < 16_384, `answer is ${response.body.length} bytes`);
    assert.deepEqual(details.k0, ['Unknown field']);
    assert.match(details._truncated?.[0] ?? '', /^\d+ more field\(s\) failed/);
    assert.equal(Object.keys(details).length, 51);
  });

  test('a field name of 100,000 characters is not echoed whole', async () => {
    const response = await call(testApp, {
      url: `/api/users?${'x'.repeat(100_000)}=1`,
      as: session,
    });
    errorOf(response, 400, 'VALIDATION_ERROR');
    assert.ok(response.body.length < 2_000, `answer is ${response.body.length} bytes`);
  });
});

/** Text that renders as nothing: zero-width, bidi controls, fillers. */
const INVISIBLE = [
  '\u200B',
  '\u200B\u200C\u200D',
  '\u2060\uFEFF',
  '\u202E\u202D\u202A',
  '\u2066\u2067\u2068\u2069',
  '\u200E\u200F',
  '\u00AD',
  '\u3164',
  '\u2800',
  '\u115F\u1160',
  '\u034F',
  '\uFE0F',
  ' \u200B ',
];

describe('names and titles made only of invisible characters are refused', () => {
  for (const text of INVISIBLE) {
    const label = [...text].map((char) => `U+${char.codePointAt(0)?.toString(16).toUpperCase()}`).join(' ');
    test(`displayName ${label}`, async () => {
      const response = await call(testApp, {
        method: 'PATCH',
        url: `/api/users/${session.user.id}`,
        as: session,
        payload: { displayName: text },
      });
      const details = errorOf(response, 400, 'VALIDATION_ERROR');
      assert.ok(details.displayName, response.body);
    });

    test(`sign-up displayName ${label}`, async () => {
      const response = await call(testApp, {
        method: 'POST',
        url: '/api/users',
        payload: { email: 'invisible@example.com', password: 'password-123', displayName: text },
      });
      const details = errorOf(response, 400, 'VALIDATION_ERROR');
      assert.ok(details.displayName, response.body);
    });

    test(`post title ${label}`, async () => {
      const response = await call(testApp, {
        method: 'POST',
        url: `/api/users/${session.user.id}/posts`,
        as: session,
        payload: { title: text, body: 'b' },
      });
      const details = errorOf(response, 400, 'VALIDATION_ERROR');
      assert.ok(details.title, response.body);
    });
  }

  // An override or isolate beside visible text reorders what follows it: "\u202Egnp.exe" reads as
  // "exe.png", and a name can be drawn as another user's. Marks (U+200E, U+200F) are enough for
  // right-to-left names and stay allowed.
  for (const text of ['\u202Eevil', 'Ann\u202Dx', 'a\u202Ab\u202C', 'x\u2066y\u2069', '\u2067اسم\u2069']) {
    const label = JSON.stringify(text);
    test(`displayName and title with a bidi override or isolate ${label} are refused`, async () => {
      for (const [url, payload, field] of [
        [`/api/users/${session.user.id}`, { displayName: text }, 'displayName'],
        [`/api/users/${session.user.id}/posts`, { title: text, body: 'b' }, 'title'],
      ] as const) {
        const response = await call(testApp, {
          method: url.endsWith('/posts') ? 'POST' : 'PATCH',
          url,
          as: session,
          payload,
        });
        const details = errorOf(response, 400, 'VALIDATION_ERROR');
        assert.deepEqual(details[field], [BIDI_CONTROL_MESSAGE], response.body);
      }
    });
  }

  for (const text of ['Zoë', '👩‍💻', '\u200Bx', 'اسم', '李', 'a\u200Db', '\u200Fاسم']) {
    test(`visible text ${JSON.stringify(text)} is kept`, async () => {
      const response = await call(testApp, {
        method: 'PATCH',
        url: `/api/users/${session.user.id}`,
        as: session,
        payload: { displayName: text },
      });
      assert.equal(response.statusCode, 200, response.body);
      const created = await call(testApp, {
        method: 'POST',
        url: `/api/users/${session.user.id}/posts`,
        as: session,
        payload: { title: text, body: '' },
      });
      assert.equal(created.statusCode, 201, created.body);
    });
  }
});
