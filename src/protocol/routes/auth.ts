import { z } from 'zod';
import { defineContract, defineRoute } from '../contract.ts';
import { isoTimestampSchema } from '../envelope.ts';
import { uuidSchema } from '../ids.ts';
import { pageSchema, paginationQuerySchema } from '../pagination.ts';
import { emailInputSchema, passwordSchema, userSchema } from './users.ts';

/** `POST /api/auth/login` body. The password is not length-checked beyond a bound: old ones still work. */
export const loginBodySchema = z.strictObject({
  email: emailInputSchema,
  password: z.string().min(1, 'Must not be empty').max(256, 'Must be at most 256 characters'),
});

/** `POST /api/auth/login`: sets `access_token`, `refresh_token` and `csrf_token` cookies. */
export const login = defineRoute({
  method: 'POST',
  path: '/api/auth/login',
  summary: 'Sign in',
  description:
    'Sets the access_token, refresh_token and csrf_token cookies and returns the user. Rate-limited per IP and ' +
    'per e-mail (429 with Retry-After). Unknown e-mail and wrong password give the same 401.',
  tags: ['auth'],
  access: 'public',
  sets: ['Set-Cookie'],
  csrf: 'origin',
  body: loginBodySchema,
  responses: { 200: userSchema },
  errors: ['VALIDATION_ERROR', 'MISSING_FIELD', 'INVALID_CREDENTIALS', 'FORBIDDEN', 'RATE_LIMITED'],
});

/** `POST /api/auth/logout`: revokes the session and clears the three cookies. */
export const logout = defineRoute({
  method: 'POST',
  path: '/api/auth/logout',
  summary: 'Sign out',
  description:
    'Revokes the refresh-token family and clears all three cookies. Needs X-CSRF-Token when signed in.',
  tags: ['auth'],
  access: 'public',
  sets: ['Set-Cookie'],
  responses: { 204: null },
  errors: ['FORBIDDEN'],
});

/** `POST /api/auth/refresh`: rotates the refresh token and issues a new access token. */
export const refreshSession = defineRoute({
  method: 'POST',
  path: '/api/auth/refresh',
  summary: 'Refresh the session',
  description:
    'Rotates the refresh token (cookie) and sets a new access token. Needs X-CSRF-Token. A rotated token ' +
    'presented again after the grace window revokes the whole session.',
  tags: ['auth'],
  access: 'public',
  sets: ['Set-Cookie'],
  responses: { 200: userSchema },
  errors: ['UNAUTHORIZED', 'TOKEN_INVALID', 'FORBIDDEN'],
});

/** `GET /api/auth/me`: the signed-in user. */
export const getCurrentUser = defineRoute({
  method: 'GET',
  path: '/api/auth/me',
  summary: 'The signed-in user',
  tags: ['auth'],
  access: 'user',
  responses: { 200: userSchema },
  errors: ['FORBIDDEN'],
});

/** `POST /api/auth/password` body. The current password is only bounded: old ones still work. */
export const changePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1, 'Must not be empty').max(256, 'Must be at most 256 characters'),
  newPassword: passwordSchema,
});

/** `POST /api/auth/password`: the signed-in user changes their password with the current one. */
export const changePassword = defineRoute({
  method: 'POST',
  path: '/api/auth/password',
  summary: 'Change the password',
  description:
    'Needs the current password (401 INVALID_CREDENTIALS when wrong; rate-limited like sign-in, 429 with ' +
    'Retry-After). Every session of the user is revoked at once; this browser continues in a new session ' +
    'whose cookies are set in the answer. Needs X-CSRF-Token.',
  tags: ['auth'],
  access: 'user',
  sets: ['Set-Cookie'],
  body: changePasswordBodySchema,
  responses: { 204: null },
  errors: ['VALIDATION_ERROR', 'MISSING_FIELD', 'INVALID_CREDENTIALS', 'FORBIDDEN', 'RATE_LIMITED'],
});

/** A signed-in session as its user sees it: never token material. */
export const sessionSchema = z.object({
  id: uuidSchema,
  createdAt: isoTimestampSchema,
  lastUsedAt: isoTimestampSchema,
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  /** Whether this is the session making the request. */
  current: z.boolean(),
});

/** A session as the API shows it. */
export type Session = z.infer<typeof sessionSchema>;

/** `GET /api/auth/sessions`: the signed-in user's live sessions, the spec's pagination. */
export const listSessions = defineRoute({
  method: 'GET',
  path: '/api/auth/sessions',
  summary: 'My sessions',
  description:
    'The live sessions of the signed-in user (where they signed in, when last refreshed, which one is this ' +
    'browser). Sorted by lastUsedAt (default) or createdAt.',
  tags: ['auth'],
  access: 'user',
  query: paginationQuerySchema(['lastUsedAt', 'createdAt'], 'lastUsedAt').strict(),
  responses: { 200: pageSchema(sessionSchema) },
  errors: ['VALIDATION_ERROR'],
});

/** Path parameters of one session. */
export const sessionParamsSchema = z.object({ id: uuidSchema });

/** `DELETE /api/auth/sessions/:id`: revokes one of the signed-in user's sessions at once. */
export const revokeSession = defineRoute({
  method: 'DELETE',
  path: '/api/auth/sessions/:id',
  summary: 'Revoke a session',
  description:
    "Signs that session out at once, on every instance. 404 for an unknown id or another user's session. " +
    'Revoking the current session signs this browser out. Needs X-CSRF-Token.',
  tags: ['auth'],
  access: 'user',
  sets: ['Set-Cookie'],
  params: sessionParamsSchema,
  responses: { 204: null },
  errors: ['NOT_FOUND', 'FORBIDDEN'],
});

/** `POST /api/auth/sessions/revoke-others`: signs out every session of the user but this one. */
export const revokeOtherSessions = defineRoute({
  method: 'POST',
  path: '/api/auth/sessions/revoke-others',
  summary: 'Revoke my other sessions',
  description: 'Signs out every other session of the signed-in user at once. Needs X-CSRF-Token.',
  tags: ['auth'],
  access: 'user',
  responses: { 204: null },
  errors: ['FORBIDDEN'],
});

/** The auth routes: sign in, sign out, refresh, the signed-in user. */
export const authContract = defineContract({
  login,
  logout,
  refreshSession,
  getCurrentUser,
  changePassword,
  listSessions,
  revokeSession,
  revokeOtherSessions,
});
/** The auth routes as a type. */
export type AuthContract = typeof authContract;
