/**
 * How a refresh ended: new cookies; refused (the session is over); not possible now (429, 5xx: the
 * session may still be good); or no answer at all.
 */
export type RefreshOutcome = 'refreshed' | 'failed' | 'unavailable' | 'offline';

/** The part of the Web Locks API (`navigator.locks`) the client uses. */
export interface LockManagerLike {
  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>;
}

/** The part of `BroadcastChannel` the client uses. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** What the coordinator needs: the refresh call itself and the page's coordination APIs. */
export interface RefreshCoordinatorOptions {
  /** Sends `POST /api/auth/refresh`; `signal` aborts it once the timeout passes. */
  send(signal: AbortSignal): Promise<RefreshOutcome>;
  /** Web Locks, to let one tab refresh at a time; `null` where the browser has none. */
  locks: LockManagerLike | null;
  /** A channel shared by the tabs of the origin; `null` where there is none. */
  channel: BroadcastChannelLike | null;
  /** The longest a tab waits for another one, and the longest a refresh may take. */
  timeoutMs: number;
  now(): number;
}

/** One refresh in flight per page and across tabs. */
export interface RefreshCoordinator {
  /**
   * Refreshes the session, or joins the refresh already under way here or in another tab. `since`
   * is when the request that got the 401 was sent: a refresh that finished after it already gave
   * that request's retry new cookies, so none is sent.
   */
  refresh(since: number): Promise<RefreshOutcome>;
}

/** Name of the Web Lock and the channel messages' prefix. */
export const REFRESH_LOCK = 'tenet-auth-refresh';

interface Announcement {
  type: `${typeof REFRESH_LOCK}:started` | `${typeof REFRESH_LOCK}:done`;
  id: string;
  outcome?: RefreshOutcome;
}

function isAnnouncement(value: unknown): value is Announcement {
  const message = value as Partial<Announcement> | null;
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof message.id === 'string' &&
    (message.type === `${REFRESH_LOCK}:started` || message.type === `${REFRESH_LOCK}:done`)
  );
}

/**
 * Makes sure a page sends one refresh at a time however many calls got a 401, and that tabs take
 * turns: with Web Locks, one tab holds the lock and the others, once they get it, see that a
 * refresh happened while they waited and skip their own; without them, tabs announce refreshes on
 * the channel and wait for one announced by another tab. Every wait is bounded by `timeoutMs`, so a
 * tab that froze or closed mid-refresh never hangs the others; they then refresh themselves, which
 * the server's reuse grace window allows.
 */
export function createRefreshCoordinator(options: RefreshCoordinatorOptions): RefreshCoordinator {
  const { locks, channel, timeoutMs, now } = options;
  let inFlight: Promise<RefreshOutcome> | null = null;
  let lastRefreshedAt = Number.NEGATIVE_INFINITY;
  const othersStarted = new Map<string, number>();
  const waiters = new Set<() => void>();
  let sequence = 0;
  const tabId = `${now().toString(36)}-${Math.random().toString(36).slice(2)}`;

  channel?.addEventListener('message', (event) => {
    if (!isAnnouncement(event.data)) return;
    if (event.data.type === `${REFRESH_LOCK}:started`) {
      othersStarted.set(event.data.id, now());
      return;
    }
    othersStarted.delete(event.data.id);
    if (event.data.outcome === 'refreshed') lastRefreshedAt = now();
    for (const wake of waiters) wake();
  });

  async function send(): Promise<RefreshOutcome> {
    const id = `${tabId}-${sequence++}`;
    channel?.postMessage({ type: `${REFRESH_LOCK}:started`, id } satisfies Announcement);
    let outcome: RefreshOutcome = 'offline';
    try {
      outcome = await options.send(AbortSignal.timeout(timeoutMs));
      if (outcome === 'refreshed') lastRefreshedAt = now();
      return outcome;
    } finally {
      channel?.postMessage({ type: `${REFRESH_LOCK}:done`, id, outcome } satisfies Announcement);
    }
  }

  function othersRefreshing(): boolean {
    for (const [id, startedAt] of othersStarted) {
      // An announcement older than the timeout is from a tab that died mid-refresh.
      if (now() - startedAt > timeoutMs) othersStarted.delete(id);
    }
    return othersStarted.size > 0;
  }

  function waitForOthers(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        if (othersRefreshing()) return;
        clearTimeout(timer);
        waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(wake);
        resolve();
      }, timeoutMs);
      waiters.add(wake);
    });
  }

  async function withLock(since: number, lockManager: LockManagerLike): Promise<RefreshOutcome> {
    try {
      return await lockManager.request(REFRESH_LOCK, { signal: AbortSignal.timeout(timeoutMs) }, async () => {
        // The lock can be granted before the releasing tab's "done" message arrives: wait for it
        // (bounded), or this tab would miss that refresh and send a second one.
        if (channel && othersRefreshing()) await waitForOthers();
        // Another tab refreshed while this one waited: the new cookies are shared, no second refresh.
        return lastRefreshedAt > since ? 'refreshed' : send();
      });
    } catch (error) {
      // The lock was not granted in time (its holder froze): refresh without it.
      if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        return send();
      }
      throw error;
    }
  }

  async function run(since: number): Promise<RefreshOutcome> {
    if (lastRefreshedAt > since) return 'refreshed';
    if (locks) return withLock(since, locks);
    if (channel && othersRefreshing()) {
      await waitForOthers();
      if (lastRefreshedAt > since) return 'refreshed';
    }
    return send();
  }

  return {
    refresh(since) {
      inFlight ??= run(since).finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
