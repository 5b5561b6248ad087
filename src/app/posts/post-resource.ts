import type { DatabaseHandle } from '../../db/connect.ts';
import { defineResourceStorage, implementResource } from '../../kit/index.ts';
import type { Implementations } from '../../protocol/handler.ts';
import { createUlidGenerator, ulidToUuid } from '../../protocol/ids.ts';
import { type PostsContract, postRoutes } from '../../protocol/routes/posts.ts';
import { postToApi } from './post-representation.ts';

// Ids are made here rather than by the column's generate_ulid() default: a monotonic generator
// keeps posts created in the same millisecond in creation order (the database's default draws new
// random bits each time). Across several instances, order within one millisecond is by id only.
const nextUlid = createUlidGenerator();

/** Posts on the resource kit: ULID ids, nested under their author, counted per author by triggers. */
export const postResource = defineResourceStorage({
  routes: postRoutes,
  table: 'posts',
  toApi: postToApi,
  sortColumns: { createdAt: 'created_at', updatedAt: 'updated_at', title: 'title' },
  fieldColumns: { title: 'title', body: 'body' },
  searchColumns: ['title'],
  // The author: they or an admin may write; creating under /api/users/:id/posts needs :id to be the caller.
  ownerColumn: 'user_id',
  parent: { column: 'user_id', table: 'users' },
  countedRows: true,
  newId: () => ulidToUuid(nextUlid()),
});

/** The post routes, implemented by the kit. */
export function postImplementations(database: DatabaseHandle): Implementations<PostsContract> {
  const kit = implementResource(database, postResource);
  return {
    listUserPosts: kit.list,
    createPost: kit.create,
    getPost: kit.get,
    updatePost: kit.update,
    replacePost: kit.replace,
    deletePost: kit.remove,
    restorePost: kit.restore,
  };
}
