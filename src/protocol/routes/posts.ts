import { z } from 'zod';
import { defineContract } from '../contract.ts';
import { isoTimestampSchema } from '../envelope.ts';
import { ulidSchema, ulidToUuid, uuidSchema } from '../ids.ts';
import { defineResourceRoutes } from '../resource-routes.ts';
import {
  BIDI_CONTROL_MESSAGE,
  NO_BIDI_CONTROLS_PATTERN,
  TRIMMED_NOTE,
  VISIBLE_TEXT_MESSAGE,
  VISIBLE_TEXT_PATTERN,
} from '../text.ts';
import { userParamsSchema } from './users.ts';

/** The longest post title, in characters. */
export const POST_TITLE_MAX = 200;
/** The longest post body, in characters. */
export const POST_BODY_MAX = 20_000;

/** The API representation of a post; `id` is a 26-character ULID. */
export const postSchema = z.object({
  id: ulidSchema,
  userId: uuidSchema,
  title: z.string(),
  body: z.string(),
  createdAt: isoTimestampSchema,
  updatedAt: isoTimestampSchema,
});

/** A post as the API shows it. */
export type Post = z.infer<typeof postSchema>;

/** A post id in a path: a ULID (either case), read as the uuid the database stores. */
export const postIdSchema = ulidSchema.transform((ulid) => ulidToUuid(ulid));

/** Path parameters of a single post. */
export const postParamsSchema = z.object({ id: postIdSchema });

/** A title: 1 to 200 characters after trimming, at least one of them visible. */
export const postTitleSchema = z
  .string()
  .trim()
  .min(1, 'Must not be empty')
  .max(POST_TITLE_MAX, `Must be at most ${POST_TITLE_MAX} characters`)
  .regex(VISIBLE_TEXT_PATTERN, VISIBLE_TEXT_MESSAGE)
  // An override or isolate reorders the text after it: the name or title would read as other text.
  .regex(NO_BIDI_CONTROLS_PATTERN, BIDI_CONTROL_MESSAGE)
  .meta({ description: TRIMMED_NOTE });

/** A body: up to 20,000 characters, kept as sent. */
export const postBodySchema = z.string().max(POST_BODY_MAX, `Must be at most ${POST_BODY_MAX} characters`);

/** The fields of a post, each required: the create and `PUT` body; `PATCH` takes any subset. */
export const postFieldsSchema = z.strictObject({ title: postTitleSchema, body: postBodySchema });

/** The post routes on the resource kit: nested under their author for listing and creating. */
export const postRoutes = defineResourceRoutes({
  name: 'post',
  tag: 'posts',
  collectionPath: '/api/users/:id/posts',
  collectionParams: userParamsSchema,
  parent: 'users',
  itemPath: '/api/posts/:id',
  itemParams: postParamsSchema,
  item: postSchema,
  create: postFieldsSchema,
  fields: postFieldsSchema,
  sortable: ['createdAt', 'updatedAt', 'title'],
  search: 'the title',
  access: { read: 'user', create: 'user', write: 'user', restore: 'admin' },
  owner: 'the author or an admin',
});

/** `GET /api/users/:id/posts`: any signed-in user; the user must exist. */
export const listUserPosts = postRoutes.list;
/** `POST /api/users/:id/posts`: that user or an admin; 201 with `Location`. */
export const createPost = postRoutes.create;
/** `GET /api/posts/:id`. */
export const getPost = postRoutes.get;
/** `PATCH /api/posts/:id`: the author or an admin. */
export const updatePost = postRoutes.update;
/** `PUT /api/posts/:id`: the author or an admin; `title` and `body` required. */
export const replacePost = postRoutes.replace;
/** `DELETE /api/posts/:id`: the author or an admin; soft delete. */
export const deletePost = postRoutes.remove;
/** `POST /api/posts/:id/restore`: admin. */
export const restorePost = postRoutes.restore;

/** The post routes. */
export const postsContract = defineContract({
  listUserPosts,
  createPost,
  getPost,
  updatePost,
  replacePost,
  deletePost,
  restorePost,
});
/** The post routes as a type. */
export type PostsContract = typeof postsContract;
