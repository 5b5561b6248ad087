import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hashRefreshToken } from './refresh-tokens.ts';

/** The channel on which committed revocations are announced, as comma-separated session ids. */
export const REVOCATION_CHANNEL = 'tenet_sessions_revoked';
/** Ids per notification: 150 × 37 bytes stays under PostgreSQL's 8000-byte payload limit. */
const IDS_PER_NOTIFICATION = 150;

/** Which sessions to revoke: one, or every one of a user (optionally but one). */
export type SessionScope = { sessionId: string } | { userId: string; exceptSessionId?: string };

/**
 * Revokes sessions and their refresh tokens, and announces the ids with NOTIFY in the same
 * transaction (the caller's when it passes one), so other instances hear of it only once it has
 * committed. Locks the session rows before the token rows, in the order rotation does. Returns
 * the ids revoked now.
 */
export async function revokeSessions(db: Kysely<Database>, scope: SessionScope): Promise<string[]> {
  const run = async (trx: Kysely<Database>): Promise<string[]> => {
    const now = new Date();
    let query = trx.updateTable('sessions').set({ revoked_at: now }).where('revoked_at', 'is', null);
    if ('sessionId' in scope) query = query.where('id', '=', scope.sessionId);
    else {
      query = query.where('user_id', '=', scope.userId);
      if (scope.exceptSessionId) query = query.where('id', '!=', scope.exceptSessionId);
    }
    const ids = (await query.returning('id').execute()).map((row) => row.id);
    if (ids.length === 0) return ids;
    await trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('family_id', 'in', ids)
      .where('revoked_at', 'is', null)
      .execute();
    for (let start = 0; start < ids.length; start += IDS_PER_NOTIFICATION) {
      const payload = ids.slice(start, start + IDS_PER_NOTIFICATION).join(',');
      await sql`select pg_notify(${REVOCATION_CHANNEL}, ${payload})`.execute(trx);
    }
    return ids;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** Session ids revoked recently enough (within `withinSeconds`) that an access token may still be live. */
export async function findRecentlyRevoked(
  db: Kysely<Database>,
  withinSeconds: number,
): Promise<{ id: string; revokedAt: Date }[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'revoked_at'])
    .where('revoked_at', '>', new Date(Date.now() - withinSeconds * 1000))
    .execute();
  return rows.flatMap((row) => (row.revoked_at ? [{ id: row.id, revokedAt: row.revoked_at }] : []));
}

/** The session a refresh token belongs to, whatever its state, or `null` for an unknown token. */
export async function findSessionByToken(
  db: Kysely<Database>,
  token: string,
): Promise<{ familyId: string; userId: string } | null> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select(['family_id', 'user_id'])
    .where('token_hash', '=', hashRefreshToken(token))
    .executeTakeFirst();
  return row ? { familyId: row.family_id, userId: row.user_id } : null;
}

/** A live session as its user sees it. */
export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** One page of a user's live sessions (not revoked, not expired), newest use first by default. */
export async function listLiveSessions(
  db: Kysely<Database>,
  userId: string,
  page: { offset: number; limit: number; sortBy: 'createdAt' | 'lastUsedAt'; sortOrder: 'asc' | 'desc' },
): Promise<{ items: SessionSummary[]; total: number }> {
  const live = db
    .selectFrom('sessions')
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date());
  const column = page.sortBy === 'createdAt' ? 'created_at' : 'last_used_at';
  const [rows, count] = await Promise.all([
    live
      .select(['id', 'created_at', 'last_used_at', 'user_agent', 'ip_address'])
      .orderBy(column, page.sortOrder)
      .orderBy('id', page.sortOrder)
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    live.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      userAgent: row.user_agent,
      ip: row.ip_address,
    })),
    total: Number(count.total),
  };
}

/** Whether a live session with this id belongs to this user. */
export async function isLiveSessionOf(
  db: Kysely<Database>,
  userId: string,
  sessionId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('sessions')
    .select('id')
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Deletes expired refresh tokens and sessions (temporary data) and drops sealed successors once
 * their grace window has passed. A session is kept `accessTtlSeconds` past its expiry, so that its
 * revocation is still loaded by an instance starting while an access token of it may be live.
 * Runs in one instance at a time: a transaction-scoped advisory lock makes concurrent callers
 * skip. Returns the number of refresh tokens deleted, or `null` when skipped.
 */
export async function cleanUpSessions(
  db: Kysely<Database>,
  graceSeconds: number,
  accessTtlSeconds: number,
): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(hashtext('tenet_session_cleanup')) as locked`.execute(trx);
    if (!rows[0]?.locked) return null;
    const now = new Date();
    await trx
      .updateTable('refresh_tokens')
      .set({ successor_ciphertext: null })
      .where('successor_ciphertext', 'is not', null)
      .where('used_at', '<', new Date(now.getTime() - graceSeconds * 1000))
      .execute();
    const deleted = await trx.deleteFrom('refresh_tokens').where('expires_at', '<', now).executeTakeFirst();
    await trx
      .deleteFrom('sessions')
      .where('expires_at', '<', new Date(now.getTime() - accessTtlSeconds * 1000))
      .execute();
    return Number(deleted.numDeletedRows);
  });
}
