import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The `tenet` executable. */
export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tenet.js');

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it returns true; throws `message` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, message: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${message} (after ${timeoutMs} ms)`);
    await sleep(50);
  }
}

/** A child process the tests own: its output, and how to stop it by its PID. */
export class OwnedProcess {
  readonly child: ChildProcess;
  readonly name: string;
  #output = '';
  readonly exited: Promise<number | null>;

  constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
    child.stdout?.on('data', (chunk) => {
      this.#output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      this.#output += chunk;
    });
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Everything it wrote to stdout and stderr. */
  output(): string {
    return this.#output;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` to its PID and waits for the exit (SIGKILL after `timeoutMs`); returns the code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | null> {
    if (!this.alive) return this.child.exitCode;
    process.kill(this.pid, signal);
    const timer = setTimeout(() => {
      if (this.alive) process.kill(this.pid, 'SIGKILL');
    }, timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

const running = new Set<OwnedProcess>();
// A test that throws still leaves no process behind: every owned PID is killed when the file ends.
process.on('exit', () => {
  for (const owned of running) {
    if (owned.alive) process.kill(owned.pid, 'SIGKILL');
  }
});

/** A temporary folder for generated configuration, readable by a service user, and its removal. */
export function serviceDirectory(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'tenet-svc-'));
  chmodSync(path, 0o755);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** `tenet start` as a real process. */
export interface TenetProcess extends OwnedProcess {
  url: string;
  port: number;
}

/**
 * Starts `node bin/tenet.js start` with `environment` in `cwd`, on `port` (a free one unless given),
 * and waits until it listens.
 */
export async function startTenet(
  environment: Record<string, string>,
  cwd = tmpdir(),
  chosenPort?: number,
): Promise<TenetProcess> {
  const port = chosenPort ?? (await freePort());
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...environment, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const owned = new OwnedProcess(`tenet:${port}`, child) as TenetProcess;
  owned.port = port;
  owned.url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      () => {
        if (!owned.alive) throw new Error(`tenet start exited early:\n${owned.output()}`);
        return owned.output().includes('Server listening');
      },
      // Generous: on a loaded CI machine three instances migrating and hashing at once are slow.
      120_000,
      'tenet start did not listen',
    );
  } catch (error) {
    await owned.stop('SIGKILL');
    throw error;
  }
  return owned;
}

/**
 * The log lines of a tenet process at level error (50) or above, and any line that is not JSON
 * except the start banner (`tenet is serving …` and its indented lines, written to stderr).
 */
export function errorLogLines(output: string): string[] {
  let inBanner = false;
  return output.split('\n').filter((line) => {
    if (/^\s+tenet is serving /.test(line)) inBanner = true;
    else if (inBanner && !/^ {4}\S/.test(line)) inBanner = false;
    if (inBanner || line.trim() === '') return false;
    try {
      const level = (JSON.parse(line) as { level?: unknown }).level;
      return typeof level !== 'number' || level >= 50;
    } catch {
      return true;
    }
  });
}

/** A log line cut down to what names it: level, message, code and the error's message. */
export function summarizeLogLine(line: string): string {
  try {
    const entry = JSON.parse(line) as {
      level?: number;
      msg?: string;
      code?: string;
      err?: { message?: string };
    };
    return `${entry.level} ${entry.msg} ${entry.code ?? ''} ${entry.err?.message ?? ''}`.trim();
  } catch {
    return line.slice(0, 300);
  }
}

/** Starts a service binary in the foreground and waits until it accepts TCP on `port`. */
export async function startService(
  name: string,
  command: string,
  args: readonly string[],
  port: number,
): Promise<OwnedProcess> {
  const owned = new OwnedProcess(name, spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  try {
    await waitFor(
      async () => {
        if (!owned.alive) throw new Error(`${name} exited early:\n${owned.output()}`);
        return accepts(port);
      },
      15_000,
      `${name} did not listen on ${port}`,
    );
  } catch (error) {
    await owned.stop('SIGKILL');
    throw error;
  }
  return owned;
}

async function accepts(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Writes a file readable by a service user. */
export function writeServiceFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o644 });
}
