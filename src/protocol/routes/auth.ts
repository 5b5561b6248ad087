import { z } from 'zod';
import { defineContract, defineRoute } from '../contract.ts';
import { emailInputSchema, userSchema } from './users.ts';

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

/** The auth routes: sign in, sign out, refresh, the signed-in user. */
export const authContract = defineContract({ login, logout, refreshSession, getCurrentUser });
/** The auth routes as a type. */
export type AuthContract = typeof authContract;
