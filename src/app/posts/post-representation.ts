import type { Selectable } from 'kysely';
import type { PostsTable } from '../../db/schema.ts';
import { uuidToUlid } from '../../protocol/ids.ts';
import type { Post } from '../../protocol/routes/posts.ts';

/** A `posts` row as read from the database (snake_case, uuid id; never leaves the resource layer). */
export type PostRecord = Selectable<PostsTable>;

/** The API representation of a post record: the id written as a ULID, fields renamed to camelCase. */
export function postToApi(record: PostRecord): Post {
  return {
    id: uuidToUlid(record.id),
    userId: record.user_id,
    title: record.title,
    body: record.body,
    createdAt: record.created_at.toISOString(),
    updatedAt: record.updated_at.toISOString(),
  };
}
