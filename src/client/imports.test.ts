import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** The client's own files that ship to the browser: everything but tests and type checks. */
function runtimeFiles(): string[] {
  return readdirSync(import.meta.dirname).filter(
    (name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.typecheck.ts'),
  );
}

test('the client imports at run time only its own files: no zod, nothing from node_modules', () => {
  const files = runtimeFiles();
  assert.ok(files.includes('client.ts') && files.includes('index.ts'));
  for (const file of files) {
    const source = readFileSync(join(import.meta.dirname, file), 'utf8');
    assert.doesNotMatch(source, /\brequire\(|\bimport\(/, `${file} loads a module dynamically`);
    for (const [, typeOnly, specifier] of source.matchAll(IMPORT)) {
      if (typeOnly) continue;
      assert.match(String(specifier), /^\.\/[a-z-]+\.ts$/, `${file} imports ${specifier} at run time`);
    }
  }
});

test('the import scan sees what it must refuse', () => {
  const sample = [
    "import { z } from 'zod';",
    "import { errorCatalogue } from '../protocol/errors.ts';",
    "import type { RouteSpec } from '../protocol/contract.ts';",
    "export { createClient } from './client.ts';",
  ].join('\n');
  const found = [...sample.matchAll(IMPORT)].map(([, typeOnly, specifier]) => [Boolean(typeOnly), specifier]);
  assert.deepEqual(found, [
    [false, 'zod'],
    [false, '../protocol/errors.ts'],
    [true, '../protocol/contract.ts'],
    [false, './client.ts'],
  ]);
});
