import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MALLOC_ARENAS, TUNED_VARIABLE, tunedExecution, V8_BOUNDS } from './runtime-tuning.ts';

const FLAGS = V8_BOUNDS.map(({ flag }) => flag);

describe('runtime tuning of tenet start', () => {
  test('start re-executes with the V8 bounds before the script and the arenas in the environment', () => {
    const tuned = tunedExecution(
      ['/n/node', '/t/bin/tenet.js', 'start'],
      ['--enable-source-maps'],
      { A: 'b' },
      'linux',
    );
    assert.deepEqual(tuned?.args, ['/n/node', ...FLAGS, '--enable-source-maps', '/t/bin/tenet.js', 'start']);
    assert.deepEqual(tuned?.env, { A: 'b', MALLOC_ARENA_MAX: MALLOC_ARENAS, [TUNED_VARIABLE]: '1' });
  });

  test('never twice, never for other commands, never off Linux, and not when the operator opts out', () => {
    assert.equal(tunedExecution(['n', 't', 'start'], [], { [TUNED_VARIABLE]: '1' }, 'linux'), null);
    assert.equal(tunedExecution(['n', 't', 'migrate', 'up'], [], {}, 'linux'), null);
    assert.equal(tunedExecution(['n', 't'], [], {}, 'linux'), null);
    assert.equal(tunedExecution(['n', 't', 'start'], [], {}, 'darwin'), null);
  });

  test("the operator's own settings win", () => {
    const tuned = tunedExecution(
      ['n', 't', 'start', '--x'],
      ['--max-semi-space-size=64'],
      { NODE_OPTIONS: '--heap-growing-percent=300 --wasm-tiering-budget=1000', MALLOC_ARENA_MAX: '8' },
      'linux',
    );
    assert.deepEqual(tuned?.args, ['n', '--max-semi-space-size=64', 't', 'start', '--x']);
    assert.equal(tuned?.env.MALLOC_ARENA_MAX, '8');
  });
});
