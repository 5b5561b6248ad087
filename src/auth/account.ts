import type { Selectable } from 'kysely';
import type { UsersTable } from '../db/schema.ts';
import type { User } from '../protocol/routes/users.ts';

/** A `users` row as read from the database (snake_case; never leaves the resource layer). */
export type UserRecord = Selectable<UsersTable>;

/** A user as the API shows it, before renaming: the record without its password hash. */
export type UserProfile = Omit<UserRecord, 'password_hash'>;

/** The API representation of a user record: fields picked one by one and renamed to camelCase. */
export function userToApi(record: UserProfile): User {
  return {
    id: record.id,
    email: record.email,
    displayName: record.display_name,
    avatarUrl: record.avatar_url,
    role: record.role,
    isActive: record.is_active,
    createdAt: record.created_at.toISOString(),
    updatedAt: record.updated_at.toISOString(),
  };
}
