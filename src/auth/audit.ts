import type { Kysely } from 'kysely';
import type { Database, JsonValue } from '../db/schema.ts';

/** The events written to `audit_logs`. */
export type AuditAction =
  | 'user.signup'
  | 'login.success'
  | 'login.failure'
  | 'refresh.reuse'
  | 'logout'
  | 'user.admin_created';

/** One audit event. */
export interface AuditEvent {
  action: AuditAction;
  userId: string | null;
  ip: string;
  requestId: string;
  metadata?: Record<string, JsonValue>;
}

/** Writes an audit event; the metadata never holds a password, token or hash. */
export async function recordAudit(db: Kysely<Database>, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_logs')
    .values({
      action: event.action,
      user_id: event.userId,
      ip_address: event.ip.slice(0, 64),
      request_id: event.requestId.slice(0, 128),
      metadata: event.metadata ?? {},
    })
    .execute();
}
