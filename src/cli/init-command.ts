import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { generateTypesFor } from './db-types-command.ts';
import type { CliOutput } from './main.ts';

const USAGE = 'Usage: tenet init [DIR] [--tenet SPEC]';

/** tenet's own folder (the package or the checkout) and its package.json. */
const TENET_ROOT = resolve(import.meta.dirname, '..', '..');

/** A spec that names a folder or tarball (`file:…`, a path): relative to `folder`, as npm reads it there. */
function relativeSpec(spec: string, from: string, folder: string): string {
  const path = spec.startsWith('file:') ? spec.slice('file:'.length) : spec;
  const isPath =
    spec.startsWith('file:') || path.startsWith('.') || isAbsolute(path) || path.endsWith('.tgz');
  if (!isPath) return spec;
  const target = relative(folder, resolve(from, path)) || '.';
  return `file:${target.split(sep).join('/')}`;
}

/** How `host`'s package.json declares tenet, if it does. */
function declaredTenet(host: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(host, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    return manifest.dependencies?.tenet ?? manifest.devDependencies?.tenet;
  } catch {
    return undefined;
  }
}

/**
 * Where the tenet at `root` came from, as a dependency of `folder`: the spec the project that
 * installed it declares (tenet is not on the public registry), or `root` itself for a checkout.
 * npm installs it at `<project>/node_modules/tenet` (or in a dependency's node_modules), pnpm at
 * `<project>/node_modules/.pnpm/<id>/node_modules/tenet`: the folder above each node_modules on
 * the path, innermost first, may be the project; failing them, the project the command runs in.
 */
export function installedTenetSpec(root: string, folder: string, cwd: string): string | undefined {
  const parts = root.split(sep);
  const hosts: string[] = [];
  for (let at = parts.lastIndexOf('node_modules'); at > 0; at = parts.lastIndexOf('node_modules', at - 1)) {
    hosts.push(parts.slice(0, at).join(sep) || sep);
  }
  if (hosts.length === 0) return relativeSpec(root, '/', folder);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    hosts.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const host of hosts) {
    const spec = declaredTenet(host);
    if (spec !== undefined) return relativeSpec(spec, host, folder);
  }
  return undefined;
}

/** A package name from a folder name: lower case, npm's characters only. */
function packageName(folder: string): string {
  const name = basename(folder)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '');
  return name || 'tenet-app';
}

const MIGRATION = `-- migrate:up
CREATE TABLE notes (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title VARCHAR(200) NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  deleted_at TIMESTAMPTZ
);
CREATE INDEX notes_user_id_idx ON notes (user_id);
CREATE INDEX notes_created_at_id_idx ON notes (created_at, id) WHERE deleted_at IS NULL;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION update_updated_at();

-- migrate:down
DROP TABLE notes;
`;

const RESOURCE = `import { defineResource, uuidSchema } from 'tenet';
import { z } from 'zod';
import type { Database } from './database.ts';

const title = z.string().trim().min(1, 'Must not be empty').max(200, 'Must be at most 200 characters');
const body = z.string().max(20_000, 'Must be at most 20000 characters');

/** Notes: each owned by the user who wrote it; searchable, sortable, filterable by author. */
export const notes = defineResource<Database>()({
  name: 'note',
  table: 'notes',
  description: 'Notes written by users',
  fields: { userId: uuidSchema, title: z.string(), body: z.string() },
  create: { title, body: body.optional() },
  update: ['title', 'body'],
  sortable: ['title'],
  searchable: ['title', 'body'],
  filters: ['userId'],
  owner: 'userId',
});
`;

const CONFIG = `import { defineProject } from 'tenet';
import { notes } from './src/notes.ts';

// What \`tenet start\`, \`migrate\`, \`openapi\` and \`db types\` serve and migrate in this folder.
export default defineProject({ modules: [notes], migrations: ['migrations'] });
`;

const TEST = `import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, type TestApp } from 'tenet/testing';
import { notes } from '../src/notes.ts';

let t: TestApp;
before(async () => {
  t = await buildTestApp({ modules: [notes], migrations: ['migrations'] });
});
after(async () => {
  await t.close();
});

test('sign up, sign in, write a note, find it; a bad one is refused', async () => {
  const json = { 'content-type': 'application/json' };
  const account = { email: 'ada@example.com', password: 'correct horse battery' };
  const signUp = await t.app.inject({ method: 'POST', url: '/api/users', headers: json, payload: { ...account, displayName: 'Ada' } });
  assert.equal(signUp.statusCode, 201, signUp.body);
  const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: json, payload: account });
  assert.equal(login.statusCode, 200, login.body);
  const cookies = Object.fromEntries(login.cookies.map((cookie) => [cookie.name, cookie.value]));
  const session = {
    cookie: Object.entries(cookies).map(([name, value]) => \`\${name}=\${value}\`).join('; '),
    'x-csrf-token': cookies.csrf_token ?? '',
  };
  const created = await t.app.inject({
    method: 'POST', url: '/api/notes', headers: { ...json, ...session }, payload: { title: 'First note', body: 'Hello' },
  });
  assert.equal(created.statusCode, 201, created.body);
  const found = await t.app.inject({ url: '/api/notes?search=first', headers: session });
  assert.deepEqual(found.json().data.items.map((note: { title: string }) => note.title), ['First note']);
  const invalid = await t.app.inject({ method: 'POST', url: '/api/notes', headers: { ...json, ...session }, payload: { title: '' } });
  assert.equal(invalid.statusCode, 400);
  assert.equal(invalid.json().error.code, 'VALIDATION_ERROR');
});
`;

function readme(name: string): string {
  return `# ${name}

An API on [tenet](https://www.npmjs.com/package/tenet): the notes resource (\`src/notes.ts\`, \`migrations/\`)
beside tenet's accounts and users, with every convention of the Backend Systems Protocols.

\`\`\`sh
npm install && npm start   # the API under /api, its reference at /docs, the console at /, on an embedded database
npm test                   # the project's tests
\`\`\`

A new resource: a migration in \`migrations/\`, \`npm run db:types\`, one \`defineResource\` file in
\`src/\`, and its name in \`modules\` in \`tenet.config.ts\`.
`;
}

/** `tenet init [DIR] [--tenet SPEC]`: writes a new project on tenet into an empty or new folder. */
export async function initCommand(
  args: readonly string[],
  output: CliOutput,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<number> {
  let parsed: { positionals: string[]; values: { tenet?: string } };
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { tenet: { type: 'string' } } });
  } catch (error) {
    output.error(`tenet init: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.positionals.length > 1) {
    output.error(`tenet init: one folder at most\n${USAGE}`);
    return 2;
  }
  const folder = resolve(parsed.positionals[0] ?? '.');
  if (existsSync(folder) && readdirSync(folder).length > 0) {
    // Never over a project that exists: nothing of it is overwritten.
    output.error(`tenet init: ${folder} is not empty`);
    return 1;
  }
  const spec =
    parsed.values.tenet === undefined
      ? installedTenetSpec(TENET_ROOT, folder, process.cwd())
      : relativeSpec(parsed.values.tenet, process.cwd(), folder);
  if (spec === undefined) {
    output.error('tenet init: cannot tell where tenet was installed from; give it with --tenet SPEC');
    return 1;
  }
  const tenetManifest = JSON.parse(readFileSync(join(TENET_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    engines?: Record<string, string>;
  };
  const name = packageName(folder);
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: tenetManifest.engines?.node ?? '>=24.7' },
    scripts: {
      start: 'tenet start',
      test: 'node --test "test/**/*.test.ts"',
      migrate: 'tenet migrate up',
      'db:types': 'tenet db types --out src/database.ts',
    },
    dependencies: { tenet: spec, zod: tenetManifest.dependencies.zod },
  };
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'tenet.config.ts': CONFIG,
    'migrations/0001_notes.sql': MIGRATION,
    'src/notes.ts': RESOURCE,
    'test/notes.test.ts': TEST,
    'README.md': readme(name),
    '.gitignore': 'node_modules/\n.tenet/\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  // The database types come from the migrations, tenet's and the project's: the same command as `npm run db:types`.
  writeFileSync(join(folder, 'src/database.ts'), await generateTypesFor([join(folder, 'migrations')]));
  // The next steps in the words of the package manager that ran this (`pnpm exec tenet init`).
  const manager = /^(pnpm|yarn|bun)\//.exec(env.npm_config_user_agent ?? '')?.[1] ?? 'npm';
  output.out(
    `Wrote a tenet project in ${folder} (tenet: ${spec}).\n\n  cd ${relative(process.cwd(), folder) || '.'}\n  ${manager} install && ${manager} start\n  ${manager} test`,
  );
  return 0;
}
