import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

/** A timestamptz column: read as a Date, written as a Date or ISO string, defaulted on insert. */
type CreatedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** `users`: UUID v4 ids, soft-deleted. */
export interface UsersTable {
  id: Generated<string>;
  email: string;
  password_hash: string;
  display_name: string;
  avatar_url: string | null;
  role: Generated<'user' | 'admin'>;
  is_active: Generated<boolean>;
  created_at: CreatedTimestamp;
  updated_at: CreatedTimestamp;
  deleted_at: Date | null;
}

/** `posts`: ULID ids stored as uuid, soft-deleted. */
export interface PostsTable {
  id: Generated<string>;
  user_id: string;
  title: string;
  body: string;
  created_at: CreatedTimestamp;
  updated_at: CreatedTimestamp;
  deleted_at: Date | null;
}

/** `refresh_tokens`: one row per issued refresh token, hard-deleted once expired. */
export interface RefreshTokensTable {
  id: Generated<string>;
  user_id: string;
  family_id: string;
  token_hash: Uint8Array;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  successor_id: string | null;
  successor_ciphertext: string | null;
  user_agent: string | null;
  ip_address: string | null;
  created_at: CreatedTimestamp;
  updated_at: CreatedTimestamp;
}

/** `sessions`: one row per signed-in session (refresh-token family); `id` is the access token's `sid`. */
export interface SessionsTable {
  id: string;
  user_id: string;
  user_agent: string | null;
  ip_address: string | null;
  last_used_at: CreatedTimestamp;
  expires_at: Date;
  revoked_at: Date | null;
  created_at: CreatedTimestamp;
  updated_at: CreatedTimestamp;
}

/** `audit_logs`: internal, identity ids, never exposed. */
export interface AuditLogsTable {
  id: GeneratedAlways<string>;
  user_id: string | null;
  action: string;
  ip_address: string | null;
  request_id: string | null;
  metadata: ColumnType<Record<string, unknown>, Record<string, unknown> | undefined, never>;
  created_at: CreatedTimestamp;
  updated_at: CreatedTimestamp;
}

/** `row_counts`: live-row counters kept by triggers (migration 0002); internal, never exposed. */
export interface RowCountsTable {
  id: GeneratedAlways<string>;
  table_name: string;
  /** `''` for the whole table, else the column that scopes the count (`user_id`). */
  scope_column: Generated<string>;
  scope_value: Generated<string>;
  slot: Generated<number>;
  live_rows: ColumnType<string, string | number | undefined, string | number>;
  created_at: CreatedTimestamp;
  updated_at: CreatedTimestamp;
}

/** The database as Kysely sees it: snake_case, exactly as the migrations create it. */
export interface Database {
  users: UsersTable;
  posts: PostsTable;
  refresh_tokens: RefreshTokensTable;
  sessions: SessionsTable;
  audit_logs: AuditLogsTable;
  row_counts: RowCountsTable;
}
