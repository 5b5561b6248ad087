import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { chooseLogFormat, logDestination, TurnBatchedLog } from './log-destination.ts';

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

test('the lines of one event-loop turn reach the sink as one write, in order; none is held past the turn', async () => {
  const writes: string[] = [];
  const log = new TurnBatchedLog({ write: (data) => writes.push(data) > 0, flushSync: () => {} });
  const logger = pino({ level: 'info', base: null, timestamp: false }, log);
  for (let index = 0; index < 50; index++) logger.info({ index }, 'request');
  assert.equal(writes.length, 0, 'nothing is written inside the turn');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(writes.length, 1);
  const lines = (writes[0] ?? '').trimEnd().split('\n');
  assert.deepEqual(
    lines.map((line) => JSON.parse(line).index),
    Array.from({ length: 50 }, (_, index) => index),
  );
  logger.info('alone');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(writes.length, 2);
  assert.match(writes[1] ?? '', /"msg":"alone"/);
});

test('flushSync writes what is pending and flushes the sink (as at exit)', () => {
  const events: string[] = [];
  const log = new TurnBatchedLog({
    write: (data) => events.push(`write ${data.trim()}`) > 0,
    flushSync: () => events.push('flushSync'),
  });
  log.write('a\n');
  log.write('b\n');
  log.flushSync();
  assert.deepEqual(events, ['write a\nb', 'flushSync']);
});

test('a process that logs and exits at once loses no line', async () => {
  const { execFileSync } = await import('node:child_process');
  const script = `
    import pino from 'pino';
    import { logDestination } from ${JSON.stringify(new URL('./log-destination.ts', import.meta.url).href)};
    const logger = pino({ level: 'info' }, logDestination('json'));
    for (let index = 0; index < 1000; index++) logger.info({ index }, 'line');
    process.exit(0);
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url),
    encoding: 'utf8',
  });
  const lines = output.trimEnd().split('\n');
  assert.equal(lines.length, 1000);
  assert.equal(JSON.parse(lines.at(-1) ?? '').index, 999);
});
