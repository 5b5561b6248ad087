import { z } from 'zod';

/** A UUID in its canonical textual form (any version, as Postgres writes it). */
export const uuidSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'Must be a UUID');

/** A ULID: 26 characters of Crockford base 32, time-ordered. */
export const ulidSchema = z.string().regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i, 'Must be a ULID');
