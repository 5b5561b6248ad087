import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const src = join(import.meta.dirname, '..', 'src');
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:([^'";]*?)\s+from\s+)?['"]([^'"]+)['"]/gm;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The top folder (or file) of src/ a path belongs to: `auth`, `kit`, `config.ts`. */
function area(path: string): string {
  return relative(src, path).split('/')[0] ?? '';
}

function imports(file: string): { area: string; names: string[]; typeOnly: boolean }[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(IMPORT)]
    .filter(([, , , specifier]) => specifier?.startsWith('.'))
    .map(([, typeOnly, clause, specifier]) => ({
      area: area(resolve(dirname(file), specifier ?? '')),
      names: (clause ?? '')
        .replace(/[{}]/g, '')
        .split(',')
        .map(
          (name) =>
            name
              .trim()
              .replace(/^type\s+/, '')
              .split(/\s+as\s+/)[0] ?? '',
        )
        .filter(Boolean),
      typeOnly: Boolean(typeOnly),
    }));
}

/** The text of a module and of every module it re-exports with `export *`, to find exported type names. */
function exportedText(file: string): string {
  const source = readFileSync(file, 'utf8');
  const nested = [...source.matchAll(/^export (?:type )?\* from '([^']+)';$/gm)].map(([, specifier]) =>
    exportedText(resolve(dirname(file), specifier ?? '')),
  );
  return [source, ...nested].join('\n');
}

// Dependencies point inward: cli -> app -> http -> kit/auth -> db -> protocol (DESIGN §2).
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  protocol: ['protocol'],
  'config.ts': ['config.ts'],
  db: ['db', 'protocol', 'config.ts'],
  auth: ['auth', 'db', 'protocol', 'config.ts'],
  kit: ['kit', 'db', 'protocol', 'config.ts'],
  // `..` is package.json: the document's version and license.
  http: ['http', 'db', 'protocol', 'config.ts', '..'],
  app: ['app', 'http', 'kit', 'auth', 'db', 'protocol', 'config.ts'],
  client: ['client', 'protocol'],
  // A client of any API from outside: it knows the protocol, never tenet's server.
  check: ['check', 'protocol'],
};

test('dependencies point one way; peers (auth, kit) never import each other', () => {
  const wrong: string[] = [];
  for (const file of files(src)) {
    const from = area(file);
    const allowed = ALLOWED[from];
    if (!allowed) continue;
    for (const { area: to } of imports(file)) {
      if (!allowed.includes(to)) wrong.push(`${relative(src, file)} imports ${to}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the reference app is assembled from what the public entry (src/index.ts) exports', async () => {
  const entry = (await import('../src/index.ts')) as Record<string, unknown>;
  const entryText = exportedText(join(src, 'index.ts'));
  const missing: string[] = [];
  for (const file of files(join(src, 'app'))) {
    for (const { area: to, names, typeOnly } of imports(file)) {
      if (to === 'app') continue;
      for (const name of names) {
        const exported =
          typeOnly || !(name in entry) ? new RegExp(`\\b${name}\\b`).test(entryText) || name in entry : true;
        if (!exported) missing.push(`${relative(src, file)}: ${name}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});
