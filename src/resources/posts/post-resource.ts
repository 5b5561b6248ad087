import { createUlidGenerator, ulidToUuid } from '../../protocol/ids.ts';
import { postRoutes } from '../../protocol/routes/posts.ts';
import { defineResource } from '../kit/resource-definition.ts';
import { postToApi } from './post-record.ts';

// Ids are made here rather than by the column's generate_ulid() default: a monotonic generator
// keeps posts created in the same millisecond in creation order (the database's default draws new
// random bits each time). Across several instances, order within one millisecond is by id only.
const nextUlid = createUlidGenerator();

/** Posts on the resource kit: ULID ids, nested under their author, counted per author by triggers. */
export const postResource = defineResource({
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
