import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceDocument } from '../src/app/app.ts';
import { run } from '../src/cli/main.ts';

function capture() {
  const lines = { out: [] as string[], error: [] as string[] };
  return {
    lines,
    output: { out: (text: string) => lines.out.push(text), error: (text: string) => lines.error.push(text) },
  };
}

test('tenet openapi prints the document as JSON, with no configuration needed', async () => {
  const { lines, output } = capture();
  // A production environment with no secrets would refuse to start a server, not to print a document.
  assert.equal(await run(['openapi'], { NODE_ENV: 'production' }, output), 0);
  assert.equal(lines.out.length, 1);
  assert.deepEqual(JSON.parse(lines.out[0] ?? ''), JSON.parse(JSON.stringify(referenceDocument())));
  assert.deepEqual(lines.error, []);
});

test('tenet openapi takes no arguments', async () => {
  const { lines, output } = capture();
  assert.equal(await run(['openapi', '--yaml'], {}, output), 2);
  assert.match(lines.error.join('\n'), /Usage: tenet openapi/);
});

test('the usage lists the command', async () => {
  const { lines, output } = capture();
  await run(['help'], {}, output);
  assert.match(lines.out.join('\n'), /^ {2}openapi +print the OpenAPI 3\.1 document/m);
});
