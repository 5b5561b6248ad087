import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { chooseLogFormat, logDestination } from './log-destination.ts';

test('pretty logs only on a terminal in development; JSON otherwise', () => {
  assert.equal(chooseLogFormat({ env: 'development', stdoutIsTerminal: true }), 'pretty');
  assert.equal(chooseLogFormat({ env: 'development', stdoutIsTerminal: false }), 'json');
  assert.equal(chooseLogFormat({ env: 'production', stdoutIsTerminal: true }), 'json');
  assert.equal(chooseLogFormat({ env: 'production', stdoutIsTerminal: false }), 'json');
  assert.equal(chooseLogFormat({ env: 'test', stdoutIsTerminal: true }), 'json');
});

test('the pretty destination writes a readable line, not JSON', async () => {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk) => {
    text += chunk;
  });
  const logger = pino({ level: 'info' }, logDestination('pretty', sink));
  logger.info({ requestId: 'abc' }, 'Server listening');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(text, /INFO.*Server listening/);
  assert.match(text, /requestId: "abc"/);
  assert.throws(() => JSON.parse(text.split('\n')[0] ?? ''));
});
