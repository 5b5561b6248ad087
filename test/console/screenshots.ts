// `npm run screenshots`: runs the console's end-to-end tests with one screenshot per state of the
// matrix written to docs/console/<state>.png (the tests take them where they cause each state).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const directory = join(root, 'docs', 'console');
mkdirSync(directory, { recursive: true });
const run = spawnSync(process.execPath, ['--test', join(root, 'test', 'console-e2e.test.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TENET_SCREENSHOTS: directory },
});
console.log(
  `screenshots in ${directory}: ${readdirSync(directory)
    .filter((name) => name.endsWith('.png'))
    .join(', ')}`,
);
process.exit(run.status ?? 1);
