import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { BIN, startTenet, type TenetProcess } from './support/processes.ts';

export { BIN, freePort } from './support/processes.ts';

/** A `tenet` process that ran to its end. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tenet <args>` in a folder, feeding `input` on standard input, and waits for it to exit. */
export async function runCli(
  cwd: string,
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH, NODE_ENV: 'development', LOG_LEVEL: 'silent', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(options.input ?? '');
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** Starts `tenet start` in a folder on `port`, in development, and resolves once it listens. */
export function startCli(cwd: string, port: number, env: Record<string, string> = {}): Promise<TenetProcess> {
  // The overload guard is off: a loaded test machine must not turn answers into 503s.
  return startTenet({ NODE_ENV: 'development', MAX_EVENT_LOOP_DELAY: '0', ...env }, cwd, port);
}

/** Sends a signal and waits for the process to exit; returns its exit code. */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill(signal);
  const [code] = await exited;
  return code as number | null;
}
