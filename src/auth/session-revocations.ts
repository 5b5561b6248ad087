import type { DatabaseHandle } from '../db/connect.ts';
import type { Subscription } from '../db/notifications.ts';
import { findRecentlyRevoked, REVOCATION_CHANNEL } from './session-repository.ts';

/** Seconds added to an entry's life, for clocks of instances and database that disagree. */
export const CLOCK_SKEW_SECONDS = 60;
/** How often expired entries are swept out. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The sessions revoked on any instance while an access token of theirs may still be live, kept in
 * memory so the guard refuses such a token with one Map lookup and no database query.
 */
export interface SessionRevocations {
  /** Whether an access token of this session (`sid`) must be refused. */
  isRevoked(sessionId: string): boolean;
  /** Records revocations this instance has just made, before the notification comes back. */
  add(sessionIds: readonly string[]): void;
  /** Subscribes to revocations announced by every instance, then loads the recent ones. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Entries held (bounded by the revocations of the last `ACCESS_TOKEN_TTL`). */
  readonly size: number;
}

/**
 * The revoked-session set of one instance. Kept current by the database's notifications (sent
 * in the revoking transaction, so delivered only on commit), reloaded at start and after every
 * reconnection (notifications sent meanwhile are lost). An entry lives as long as an access token
 * issued before the revocation can: `ACCESS_TOKEN_TTL` (plus a margin for clock skew).
 */
export function createSessionRevocations(
  database: DatabaseHandle,
  accessTtlSeconds: number,
): SessionRevocations {
  const lifeMs = (accessTtlSeconds + CLOCK_SKEW_SECONDS) * 1000;
  const revoked = new Map<string, number>();
  let subscription: Subscription | undefined;
  let sweeper: NodeJS.Timeout | undefined;

  const remember = (id: string, until: number) => {
    if (until > Date.now() && (revoked.get(id) ?? 0) < until) revoked.set(id, until);
  };
  const add = (ids: readonly string[]) => {
    const until = Date.now() + lifeMs;
    for (const id of ids) remember(id, until);
  };
  const reload = async () => {
    for (const row of await findRecentlyRevoked(database.db, accessTtlSeconds + CLOCK_SKEW_SECONDS)) {
      remember(row.id, row.revokedAt.getTime() + lifeMs);
    }
  };

  return {
    isRevoked(sessionId) {
      const until = revoked.get(sessionId);
      if (until === undefined) return false;
      if (until > Date.now()) return true;
      revoked.delete(sessionId);
      return false;
    },
    add,
    async start() {
      if (subscription) return;
      // Subscribed before loading, so a revocation committed in between is heard, not missed.
      subscription = await database.listen(REVOCATION_CHANNEL, {
        onMessage: (payload) => add(payload.split(',').filter(Boolean)),
        onSubscribed: reload,
      });
      sweeper = setInterval(() => {
        const now = Date.now();
        for (const [id, until] of revoked) if (until <= now) revoked.delete(id);
      }, SWEEP_INTERVAL_MS);
      sweeper.unref();
    },
    async close() {
      clearInterval(sweeper);
      await subscription?.close();
      subscription = undefined;
    },
    get size() {
      return revoked.size;
    },
  };
}
