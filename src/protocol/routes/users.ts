import { z } from 'zod';
import { defineContract, defineRoute } from '../contract.ts';
import { emailInputSchema } from '../email.ts';
import { isoTimestampSchema } from '../envelope.ts';
import { uuidSchema } from '../ids.ts';
import { defineResourceRoutes } from '../resource-routes.ts';
import {
  BIDI_CONTROL_MESSAGE,
  NO_BIDI_CONTROLS_PATTERN,
  TRIMMED_NOTE,
  VISIBLE_TEXT_MESSAGE,
  VISIBLE_TEXT_PATTERN,
} from '../text.ts';

/** The API representation of a user: camelCase, never a password hash or `deleted_at`. */
export const userSchema = z.object({
  id: uuidSchema,
  email: z.email(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  role: z.enum(['user', 'admin']),
  isActive: z.boolean(),
  createdAt: isoTimestampSchema,
  updatedAt: isoTimestampSchema,
});

/** A user as the API shows it. */
export type User = z.infer<typeof userSchema>;

/** An e-mail address as accepted on input (the shared rule of `protocol/email.ts`). */
export { emailInputSchema } from '../email.ts';

/** An absolute http(s) URL's start, either case (URL schemes are case-insensitive). */
const HTTP_URL_PATTERN = /^[Hh][Tt][Tt][Pp][Ss]?:\/\//;

/** A password: 8 to 256 characters (argon2id has no length trap, the bound stops hashing abuse). */
export const passwordSchema = z
  .string()
  .min(8, 'Must be at least 8 characters')
  .max(256, 'Must be at most 256 characters');

/** A display name: 1 to 100 characters after trimming, at least one of them visible. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Must not be empty')
  .max(100, 'Must be at most 100 characters')
  // A name of zero-width or bidi characters impersonates "no name" (or another user) in any list.
  .regex(VISIBLE_TEXT_PATTERN, VISIBLE_TEXT_MESSAGE)
  // An override or isolate reorders the text after it: the name or title would read as other text.
  .regex(NO_BIDI_CONTROLS_PATTERN, BIDI_CONTROL_MESSAGE)
  .meta({ description: TRIMMED_NOTE });

/** An avatar URL: http(s) only, so no `javascript:` URL ever reaches an `<img>` or a link. */
export const avatarUrlSchema = z
  .url({ protocol: /^https?$/, error: 'Must be an http(s) URL' })
  .max(2048, 'Must be at most 2048 characters')
  // Published as `pattern` so the document refuses `javascript:` and `data:` URLs as the server does.
  .regex(HTTP_URL_PATTERN, 'Must be an http(s) URL')
  .meta({ format: 'uri' });

/** `POST /api/users` body: sign-up. Unknown fields (`role`, `isAdmin`) are refused. */
export const createUserBodySchema = z.strictObject({
  email: emailInputSchema,
  password: passwordSchema,
  displayName: displayNameSchema,
  avatarUrl: avatarUrlSchema.nullable().optional(),
});

/** Path parameters of a single user. */
export const userParamsSchema = z.object({ id: uuidSchema });

/** `POST /api/users`: sign-up (admin-only when `SIGNUP=closed`). 201 with `Location` and `ETag`. */
export const createUser = defineRoute({
  method: 'POST',
  path: '/api/users',
  summary: 'Sign up (create a user)',
  description:
    'Open to anyone unless SIGNUP=closed, then admin-only. Anonymous calls must come from an allowed Origin; ' +
    'authenticated calls need X-CSRF-Token. The e-mail is trimmed and lower-cased.',
  tags: ['users'],
  access: 'public',
  resource: { name: 'users', action: 'create' },
  sets: ['ETag'],
  body: createUserBodySchema,
  responses: { 201: userSchema },
  errors: [
    'VALIDATION_ERROR',
    'MISSING_FIELD',
    'ALREADY_EXISTS',
    'UNAUTHORIZED',
    'FORBIDDEN',
    'INSUFFICIENT_PERMISSIONS',
    'RATE_LIMITED',
  ],
});

/** The fields a user may change, each required: the `PUT` body; `PATCH` takes any subset. */
export const userFieldsSchema = z.strictObject({
  displayName: displayNameSchema,
  avatarUrl: avatarUrlSchema.nullable(),
});

/** The user routes on the resource kit (sign-up is `createUser`, above). */
export const userRoutes = defineResourceRoutes({
  name: 'user',
  tag: 'users',
  collectionPath: '/api/users',
  itemPath: '/api/users/:id',
  itemParams: userParamsSchema,
  item: userSchema,
  fields: userFieldsSchema,
  sortable: ['createdAt', 'updatedAt', 'email', 'displayName'],
  search: 'the e-mail and the display name',
  access: { read: 'user', create: 'public', write: 'user', restore: 'admin' },
  owner: 'the user themselves or an admin; DELETE also revokes every session of the user',
});

/** `GET /api/users`: any signed-in user; search, sort, `includeDeleted` for admins. */
export const listUsers = userRoutes.list;
/** `GET /api/users/:id`. */
export const getUser = userRoutes.get;
/** `PATCH /api/users/:id`: self or admin. */
export const updateUser = userRoutes.update;
/** `PUT /api/users/:id`: self or admin; `displayName` and `avatarUrl` (may be null) required. */
export const replaceUser = userRoutes.replace;
/** `DELETE /api/users/:id`: self or admin; soft delete, and every session is revoked. */
export const deleteUser = userRoutes.remove;
/** `POST /api/users/:id/restore`: admin; 409 ALREADY_EXISTS when the e-mail was taken meanwhile. */
export const restoreUser = userRoutes.restore;

function accountRoute<const P extends string>(path: P, summary: string, description: string) {
  return defineRoute({
    method: 'POST',
    path,
    summary,
    description,
    tags: ['users'],
    access: 'admin',
    sets: ['ETag'],
    ifMatch: true,
    params: userParamsSchema,
    responses: { 200: userSchema },
    errors: ['NOT_FOUND', 'UNAUTHORIZED', 'FORBIDDEN', 'INSUFFICIENT_PERMISSIONS', 'CONFLICT'],
  });
}

/** `POST /api/users/:id/activate`: admin; lets a deactivated user sign in again. */
export const activateUser = accountRoute(
  '/api/users/:id/activate',
  'Activate a user',
  'Admin only. Idempotent. Answers with an ETag; honours If-Match.',
);

/** `POST /api/users/:id/deactivate`: admin; the user can no longer sign in, and every session is revoked. */
export const deactivateUser = accountRoute(
  '/api/users/:id/deactivate',
  'Deactivate a user',
  'Admin only. Idempotent. Revokes every session of the user. Answers with an ETag; honours If-Match.',
);

/** `PUT /api/users/:id/role` body. */
export const setUserRoleBodySchema = z.strictObject({ role: z.enum(['user', 'admin']) });

/** `PUT /api/users/:id/role`: admin; changes a user's role and revokes every session of theirs. */
export const setUserRole = defineRoute({
  method: 'PUT',
  path: '/api/users/:id/role',
  summary: "Set a user's role",
  description:
    'Admin only. Idempotent. Revokes every session of the user (their tokens carry the old role), and is ' +
    'audit-logged. 409 CONFLICT when it would leave no active admin. Answers with an ETag; honours If-Match.',
  tags: ['users'],
  access: 'admin',
  sets: ['ETag'],
  ifMatch: true,
  params: userParamsSchema,
  body: setUserRoleBodySchema,
  responses: { 200: userSchema },
  errors: [
    'VALIDATION_ERROR',
    'MISSING_FIELD',
    'NOT_FOUND',
    'UNAUTHORIZED',
    'FORBIDDEN',
    'INSUFFICIENT_PERMISSIONS',
    'CONFLICT',
  ],
});

/** Sign-up: `POST /api/users`, implemented by auth (it owns accounts and passwords). */
export const signUpContract = defineContract({ createUser });
/** The sign-up route as a type. */
export type SignUpContract = typeof signUpContract;

/** The user routes beside sign-up: the kit's, plus activation. */
export const usersContract = defineContract({
  listUsers,
  getUser,
  updateUser,
  replaceUser,
  deleteUser,
  restoreUser,
  activateUser,
  deactivateUser,
  setUserRole,
});
/** The user routes as a type. */
export type UsersContract = typeof usersContract;
