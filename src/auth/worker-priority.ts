import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The niceness given to libuv's worker threads, where password hashing runs (0 is normal, 19 lowest). */
export const WORKER_NICENESS = 10;

/**
 * Lowers the scheduling priority of this process's libuv worker threads (Linux; elsewhere a no-op),
 * so a flood of logins hashing on them takes the CPU the event loop leaves idle rather than half of
 * it: reads keep their share and logins still run. Returns how many threads it changed.
 */
export function lowerWorkerPriority(): number {
  let changed = 0;
  try {
    for (const thread of readdirSync('/proc/self/task')) {
      if (readFileSync(`/proc/self/task/${thread}/comm`, 'utf8').trim() !== 'libuv-worker') continue;
      setPriority(Number(thread), WORKER_NICENESS);
      changed++;
    }
  } catch {
    // No /proc (not Linux) or not permitted: hashing keeps the normal priority.
  }
  return changed;
}
