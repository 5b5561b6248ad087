import pg from 'pg';
import type { DatabaseLogger } from './connect.ts';

/** What a subscriber to a notification channel is told. */
export interface NotificationHandlers {
  /** A notification's payload, delivered only once the sending transaction committed. */
  onMessage(payload: string): void;
  /**
   * Called each time the subscription is (re)established: notifications sent while it was down
   * are lost, so the subscriber reloads what it keeps.
   */
  onSubscribed(): void | Promise<void>;
}

/** An open subscription. */
export interface Subscription {
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;
/** The `application_name` of listening connections, so an operator can tell them apart. */
export const LISTENER_APPLICATION_NAME = 'tenet-listen';
/** A query on the idle listening connection, so a silently dropped TCP connection is noticed. */
const HEARTBEAT_MS = 15_000;

/** Checks a channel name, which is written into LISTEN as an identifier (never from input). */
export function assertChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`"${channel}" is not a valid notification channel`);
}

/**
 * LISTENs on a dedicated PostgreSQL connection (session mode: `DATABASE_DIRECT_URL`, since a
 * transaction pooler drops LISTEN), reconnecting with back-off after any drop and calling
 * `onSubscribed` again each time. Resolves after the first attempt, whether or not it connected.
 */
export async function listenPostgres(
  url: string,
  channel: string,
  handlers: NotificationHandlers,
  logger?: DatabaseLogger,
): Promise<Subscription> {
  assertChannel(channel);
  let closed = false;
  let client: pg.Client | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = RECONNECT_MIN_MS;

  const dropped = (current: pg.Client, error?: Error) => {
    if (client !== current) return;
    client = undefined;
    clearInterval(heartbeat);
    current.end().catch(() => {});
    if (closed) return;
    logger?.warn({ err: error, channel }, 'notification connection lost; reconnecting');
    retry = setTimeout(() => void connect(), delay);
    retry.unref();
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  };

  async function connect(): Promise<void> {
    const current = new pg.Client({
      connectionString: url,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      application_name: LISTENER_APPLICATION_NAME,
    });
    client = current;
    current.on('error', (error) => dropped(current, error));
    current.on('end', () => dropped(current));
    current.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) handlers.onMessage(message.payload);
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${channel}`);
      if (closed) {
        await current.end();
        return;
      }
      delay = RECONNECT_MIN_MS;
      heartbeat = setInterval(() => {
        current.query('select 1').catch((error: Error) => dropped(current, error));
      }, HEARTBEAT_MS);
      heartbeat.unref();
      await handlers.onSubscribed();
    } catch (error) {
      dropped(current, error as Error);
    }
  }

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}
