import type { CachedRead } from './results.ts';

/**
 * The last good answer of each read, in memory only (API answers are per-user and `no-store`), and
 * bounded: past `limit` entries the least recently used one goes.
 */
export class ReadCache {
  readonly #limit: number;
  readonly #entries = new Map<string, CachedRead<unknown>>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** The cached answer for a URL, or `null`. */
  get(key: string): CachedRead<unknown> | null {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  /** Keeps an answer, evicting the least recently used one past the limit. */
  set(key: string, entry: CachedRead<unknown>): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#limit) break;
      this.#entries.delete(oldest);
    }
  }

  /** Forgets everything (sign-out, or a session that could not be refreshed). */
  clear(): void {
    this.#entries.clear();
  }
}
