import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { generateRefreshToken, hashRefreshToken, type SuccessorCipher } from './refresh-tokens.ts';
import { revokeSessions } from './session-repository.ts';

/** Where a session was opened from, kept for the user's own view of their sessions. */
export interface SessionOrigin {
  userAgent: string | undefined;
  ip: string;
}

/** A refresh token handed to the client, and the session (family) it belongs to. */
export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
}

/** The outcome of presenting a refresh token; every expected case is a value. */
export type RotationOutcome =
  | ({ kind: 'rotated' } & IssuedRefreshToken)
  /** Presented again within the grace window: the same successor as the first presentation. */
  | ({ kind: 'repeated' } & IssuedRefreshToken)
  | { kind: 'unknown' }
  | { kind: 'expired'; familyId: string; userId: string }
  | { kind: 'revoked'; familyId: string; userId: string }
  /** Presented again after the grace window: the family has just been revoked (RFC 9700). */
  | { kind: 'reused'; familyId: string; userId: string };

/** Options for refresh-token sessions. */
export interface SessionOptions {
  /** Seconds a refresh token lives. */
  ttlSeconds: number;
  /** Seconds in which a rotated token may be presented again (concurrent tabs). */
  graceSeconds: number;
  cipher: SuccessorCipher;
}

function clip(value: string | undefined, length: number): string | null {
  return value === undefined ? null : value.slice(0, length);
}

/** Opens a new session (refresh-token family) for a user: one family per sign-in. */
export async function startSession(
  db: Kysely<Database>,
  userId: string,
  origin: SessionOrigin,
  options: Pick<SessionOptions, 'ttlSeconds'>,
): Promise<IssuedRefreshToken> {
  const token = generateRefreshToken();
  const familyId = randomUUID();
  const expiresAt = new Date(Date.now() + options.ttlSeconds * 1000);
  const userAgent = clip(origin.userAgent, 512);
  const ip = clip(origin.ip, 64);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({ id: familyId, user_id: userId, user_agent: userAgent, ip_address: ip, expires_at: expiresAt })
      .execute();
    await trx
      .insertInto('refresh_tokens')
      .values({
        user_id: userId,
        family_id: familyId,
        token_hash: hashRefreshToken(token),
        expires_at: expiresAt,
        user_agent: userAgent,
        ip_address: ip,
      })
      .execute();
  });
  return { token, familyId, userId, expiresAt };
}

/**
 * Rotates a refresh token in one transaction holding its row lock: the first presentation gets a
 * successor and marks the token used; a presentation within the grace window gets that same
 * successor (so concurrent tabs agree and a family never has two live tokens); a presentation
 * after it revokes the whole family.
 */
export async function rotateSession(
  db: Kysely<Database>,
  token: string,
  origin: SessionOrigin,
  options: SessionOptions,
): Promise<RotationOutcome> {
  const tokenHash = hashRefreshToken(token);
  return db.transaction().execute(async (trx): Promise<RotationOutcome> => {
    const owner = await trx
      .selectFrom('refresh_tokens')
      .select('family_id')
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!owner) return { kind: 'unknown' };
    // The session row first, then the token's: the order revokeSessions locks them in, so a
    // revocation and a rotation never deadlock, and a rotation never outlives a revocation.
    const live = await trx
      .selectFrom('sessions')
      .select('revoked_at')
      .where('id', '=', owner.family_id)
      .forUpdate()
      .executeTakeFirst();
    const row = await trx
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { kind: 'unknown' };
    const session = { familyId: row.family_id, userId: row.user_id };
    const now = new Date();
    if (row.revoked_at || !live || live.revoked_at) return { kind: 'revoked', ...session };
    if (row.expires_at <= now) return { kind: 'expired', ...session };

    if (row.used_at) {
      const withinGrace = now.getTime() - row.used_at.getTime() <= options.graceSeconds * 1000;
      const successorToken =
        withinGrace && row.successor_ciphertext ? options.cipher.open(row.successor_ciphertext) : null;
      if (successorToken && row.successor_id) {
        const successor = await trx
          .selectFrom('refresh_tokens')
          .select(['expires_at', 'revoked_at'])
          .where('id', '=', row.successor_id)
          .executeTakeFirst();
        if (successor && !successor.revoked_at) {
          return { kind: 'repeated', token: successorToken, expiresAt: successor.expires_at, ...session };
        }
      }
      await revokeSessions(trx, { sessionId: row.family_id });
      return { kind: 'reused', ...session };
    }

    const successorToken = generateRefreshToken();
    const expiresAt = new Date(now.getTime() + options.ttlSeconds * 1000);
    const userAgent = clip(origin.userAgent, 512);
    const ip = clip(origin.ip, 64);
    await trx
      .updateTable('sessions')
      .set({ last_used_at: now, expires_at: expiresAt, user_agent: userAgent, ip_address: ip })
      .where('id', '=', row.family_id)
      .execute();
    const successor = await trx
      .insertInto('refresh_tokens')
      .values({
        user_id: row.user_id,
        family_id: row.family_id,
        token_hash: hashRefreshToken(successorToken),
        expires_at: expiresAt,
        user_agent: userAgent,
        ip_address: ip,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('refresh_tokens')
      .set({
        used_at: now,
        successor_id: successor.id,
        successor_ciphertext: options.graceSeconds > 0 ? options.cipher.seal(successorToken) : null,
      })
      .where('id', '=', row.id)
      .execute();
    return { kind: 'rotated', token: successorToken, expiresAt, ...session };
  });
}
