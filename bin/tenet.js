#!/usr/bin/env node
// The tenet command. In a checkout it runs the TypeScript sources (Node strips types, so developing
// tenet needs no build step); installed under node_modules, where Node does not strip types, it
// runs the JavaScript built into dist/ when the package was packed.
import { sep } from 'node:path';
import { enableTenetCompileCache } from './compile-cache.js';

// Node keeps the code it compiled (and the TypeScript it stripped) in a cache on disk, keyed by each
// file's content: every run after the first skips most of the cost of loading tenet's modules. In the
// user's own cache folder, never the shared temporary one (see compile-cache.js).
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE chooses its folder.
enableTenetCompileCache();

// Run through node_modules (a tarball install, or a checkout npm linked as a project's dependency,
// whose path is the link's), it is the package: the project's `import 'tenet'` gets dist/ as well.
const installed = [import.meta.dirname, process.argv[1] ?? ''].some((path) =>
  path.split(sep).includes('node_modules'),
);

// `tenet start` bounds its memory at process start, which only a fresh execution can set: it
// replaces itself in place (same PID, so signals and supervisors are unaffected).
const { tunedExecution } = await import(
  installed ? '../dist/cli/runtime-tuning.js' : '../src/cli/runtime-tuning.ts'
);
const tuned =
  typeof process.execve === 'function' && tunedExecution(process.argv, process.execArgv, process.env);
if (tuned) process.execve(process.execPath, tuned.args, tuned.env);
const { run } = await import(installed ? '../dist/cli/main.js' : '../src/cli/main.ts');

// `tenet openapi | head`: the reader went away, which is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

try {
  const code = await run(process.argv.slice(2), process.env);
  if (code !== undefined) process.exitCode = code;
} catch (error) {
  process.stderr.write(`tenet: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
