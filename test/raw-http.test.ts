import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from './helpers.ts';

let testApp: TestApp;
let port: number;

before(async () => {
  testApp = await buildTestApp();
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const address = testApp.app.server.address();
  assert.ok(address !== null && typeof address === 'object');
  port = address.port;
});
after(async () => {
  await testApp.close();
});

/** One response read off the wire. */
interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends raw bytes on a fresh connection and reads until the server closes it (or 3 s pass). */
function exchange(request: string | Buffer, options: { halfClose?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 3_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.write(request);
    // The client sends nothing more but still reads: the body is cut short.
    if (options.halfClose) socket.end();
  });
}

/** Splits a byte stream into the responses it holds (each must have a Content-Length). */
function parseResponses(raw: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    assert.ok(end > 0, `no header end in ${JSON.stringify(rest.toString('latin1'))}`);
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine ?? '')?.[1]);
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = Number(headers.get('content-length'));
    assert.ok(Number.isInteger(length), `no Content-Length in ${statusLine}`);
    const body = rest.subarray(end + 4, end + 4 + length).toString('utf8');
    responses.push({ status, headers, body });
    rest = rest.subarray(end + 4 + length);
  }
  return responses;
}

function assertEnvelope(response: RawResponse, status: number, code: string): void {
  assert.equal(response.status, status, response.body);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const requestId = response.headers.get('x-request-id');
  assert.ok(requestId, 'X-Request-Id');
  const body = JSON.parse(response.body) as {
    success: boolean;
    error: { code: string; message: string };
    meta: { requestId: string; timestamp: string };
  };
  assert.equal(body.success, false);
  assert.equal(body.error.code, code);
  assert.equal(body.meta.requestId, requestId);
  assert.match(body.meta.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
}

describe('every answer the process writes is the envelope with the security headers', () => {
  test('malformed percent-encoding in the path', async () => {
    const [response, ...more] = parseResponses(
      await exchange('GET /api/users/%E0%A4%A HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'),
    );
    assert.ok(response);
    assert.equal(more.length, 0);
    assertEnvelope(response, 400, 'INVALID_INPUT');
    assert.doesNotMatch(response.body, /%E0/);
  });

  test('a path parameter over the length limit, without the path echoed', async () => {
    const long = 'a'.repeat(300);
    const [response] = parseResponses(
      await exchange(`GET /api/users/${long} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`),
    );
    assert.ok(response);
    assertEnvelope(response, 400, 'INVALID_INPUT');
    assert.doesNotMatch(response.body, /aaaaaaaaaa/);
  });

  test('headers over 16 kB', async () => {
    const [response] = parseResponses(
      await exchange(`GET /api/health HTTP/1.1\r\nHost: t\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`),
    );
    assert.ok(response);
    assertEnvelope(response, 400, 'INVALID_INPUT');
  });

  test('a NUL byte in a header', async () => {
    const [response] = parseResponses(
      await exchange('GET /api/health HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n'),
    );
    assert.ok(response);
    assertEnvelope(response, 400, 'INVALID_INPUT');
  });

  test('a request line that is not HTTP', async () => {
    const [response] = parseResponses(await exchange('HELLO\r\n\r\n'));
    assert.ok(response);
    assertEnvelope(response, 400, 'INVALID_INPUT');
  });

  test('a Content-Length shorter than the body: the leftover bytes never run as a request', async () => {
    const body = '{"email":"a@example.com","password":"x"}';
    const responses = parseResponses(
      await exchange(
        'POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
          `Content-Length: 5\r\n\r\n${body}`,
      ),
    );
    assert.equal(responses.length, 1, JSON.stringify(responses));
    assertEnvelope(responses[0] as RawResponse, 400, 'INVALID_INPUT');
  });

  test('a Content-Length longer than the body, then the client stops sending', async () => {
    const body = '{"email":"a@example.com","password":"x"}';
    const responses = parseResponses(
      await exchange(
        'POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
          `Content-Length: 500\r\n\r\n${body}`,
        { halfClose: true },
      ),
    );
    assert.equal(responses.length, 1, JSON.stringify(responses));
    assertEnvelope(responses[0] as RawResponse, 400, 'INVALID_INPUT');
  });
});
