import { z } from 'zod';
import { defineRoute } from '../contract.ts';
import { isoTimestampSchema } from '../envelope.ts';
import { uuidSchema } from '../ids.ts';

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

/** An e-mail address as accepted on input: trimmed and lower-cased before it is checked or stored. */
export const emailInputSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(255, 'Must be at most 255 characters')
  .pipe(z.email('Must be a valid email address'));

/** A password: 8 to 256 characters (argon2id has no length trap, the bound stops hashing abuse). */
export const passwordSchema = z
  .string()
  .min(8, 'Must be at least 8 characters')
  .max(256, 'Must be at most 256 characters');

/** A display name: 1 to 100 characters after trimming. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Must not be empty')
  .max(100, 'Must be at most 100 characters');

/** An avatar URL: http(s) only, so no `javascript:` URL ever reaches an `<img>` or a link. */
export const avatarUrlSchema = z
  .url({ protocol: /^https?$/, error: 'Must be an http(s) URL' })
  .max(2048, 'Must be at most 2048 characters');

/** `POST /api/users` body: sign-up. Unknown fields (`role`, `isAdmin`) are refused. */
export const createUserBodySchema = z.strictObject({
  email: emailInputSchema,
  password: passwordSchema,
  displayName: displayNameSchema,
  avatarUrl: avatarUrlSchema.nullable().optional(),
});

/** Path parameters of a single user. */
export const userParamsSchema = z.object({ id: uuidSchema });

/** `POST /api/users`: sign-up (admin-only when `SIGNUP=closed`). 201 with `Location`. */
export const createUser = defineRoute({
  method: 'POST',
  path: '/api/users',
  summary: 'Sign up (create a user)',
  description:
    'Open to anyone unless SIGNUP=closed, then admin-only. Anonymous calls must come from an allowed Origin; ' +
    'authenticated calls need X-CSRF-Token. The e-mail is trimmed and lower-cased.',
  tags: ['users'],
  access: 'public',
  body: createUserBodySchema,
  responses: { 201: userSchema },
  errors: ['VALIDATION_ERROR', 'MISSING_FIELD', 'ALREADY_EXISTS', 'FORBIDDEN', 'INSUFFICIENT_PERMISSIONS'],
});
