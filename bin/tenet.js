#!/usr/bin/env node
// The tenet command. Node >= 22.18 runs the TypeScript sources directly (type stripping).
import { run } from '../src/cli/main.ts';

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
