import { z } from 'zod';

/**
 * The one e-mail rule, shared by the server and the published document (as `pattern`, beside
 * `format: email`): a dot-atom local part of at most 64 characters (no leading, trailing or double
 * dot), and a domain of DNS labels that neither start nor end with a hyphen, under an alphabetic
 * top-level label. ASCII only: a unicode address is refused on both sides alike.
 */
export const EMAIL_PATTERN =
  /^(?=[^@]{1,64}@)[A-Za-z0-9_'+-]+(?:\.[A-Za-z0-9_'+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** The longest e-mail address accepted. */
export const EMAIL_MAX_LENGTH = 255;

/** An e-mail address as accepted on input: trimmed and lower-cased before it is checked or stored. */
export const emailInputSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX_LENGTH, `Must be at most ${EMAIL_MAX_LENGTH} characters`)
  .regex(EMAIL_PATTERN, 'Must be a valid email address')
  .meta({
    format: 'email',
    description:
      'Trimmed and lower-cased before it is checked; then at most 255 characters, matching the pattern.',
  });
