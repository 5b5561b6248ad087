import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Another live process holds the embedded database; its message says which and what to do. */
export class EmbeddedDatabaseBusyError extends Error {
  readonly pid: number;

  constructor(dataDir: string, pid: number, command: string) {
    super(
      `The embedded database ${dataDir} is in use by a running tenet process (pid ${pid}, "${command}"). ` +
        'PGlite has one writer, so this command did nothing. Stop that process first (Ctrl-C in its ' +
        `terminal, or kill ${pid}) and run this command again, or run both against PostgreSQL with DATABASE_URL.`,
    );
    this.name = 'EmbeddedDatabaseBusyError';
    this.pid = pid;
  }
}

/** What the lock file holds. */
interface LockOwner {
  pid: number;
  command: string;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it still holds the lock.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** The lock file beside a data directory. */
export function lockFileOf(dataDir: string): string {
  return `${dataDir}.lock`;
}

/**
 * Takes the one-writer lock of an embedded database folder: a file beside it holding this
 * process's pid, created exclusively. A lock left by a process that no longer runs (killed with
 * -9) is taken over; one held by a live process throws {@link EmbeddedDatabaseBusyError} before
 * anything is opened. Returns the function that releases it.
 */
export function acquireEmbeddedLock(dataDir: string, command: string): () => void {
  const file = lockFileOf(dataDir);
  // The folder is made here, not only by the development secrets: with JWT_SECRET and CSRF_SECRET
  // set, nothing else had made ./.tenet, and the lock failed with ENOENT.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const owner: LockOwner = { pid: process.pid, command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let descriptor: number;
    try {
      // 'wx': create or fail, atomically; two processes can never both believe they hold it.
      descriptor = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readOwner(file);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new EmbeddedDatabaseBusyError(dataDir, holder.pid, holder.command);
      }
      // Stale (its process is gone) or unreadable (a crash mid-write): remove it and try again.
      try {
        unlinkSync(file);
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
      continue;
    }
    try {
      writeSync(descriptor, JSON.stringify(owner));
    } finally {
      closeSync(descriptor);
    }
    return () => {
      // Only our own lock is removed: never one a later process took over.
      if (readOwner(file)?.pid === process.pid) unlinkSync(file);
    };
  }
  throw new Error(`Could not take the lock ${file}; remove it if no tenet process is running`);
}
