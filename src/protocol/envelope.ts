import { z } from 'zod';
import { type ErrorCode, type ErrorDetails, errorCodes } from './errors.ts';

/** Request metadata present on every envelope. */
export interface Meta {
  requestId: string;
  /** ISO 8601 UTC with milliseconds and `Z`. */
  timestamp: string;
}

/** A successful response body. */
export interface ApiSuccess<T> {
  success: true;
  data: T;
  meta: Meta;
}

/** The error object of a failed response. */
export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/** A failed response body. */
export interface ApiFailure {
  success: false;
  error: ApiErrorBody;
  meta: Meta;
}

/** Either envelope. */
export type ApiResult<T> = ApiSuccess<T> | ApiFailure;

/** Builds the meta object for a response. */
export function createMeta(requestId: string, now: Date = new Date()): Meta {
  return { requestId, timestamp: now.toISOString() };
}

/** Wraps data in the success envelope. */
export function successEnvelope<T>(data: T, meta: Meta): ApiSuccess<T> {
  return { success: true, data, meta };
}

/** Wraps an error in the failure envelope; `details` is left out when there are none. */
export function failureEnvelope(error: ApiErrorBody, meta: Meta): ApiFailure {
  const body: ApiErrorBody = { code: error.code, message: error.message };
  if (error.details && Object.keys(error.details).length > 0) body.details = error.details;
  return { success: false, error: body, meta };
}

/** ISO 8601 UTC timestamp with milliseconds, as every timestamp of the API is written. */
export const isoTimestampSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'Must be ISO 8601 UTC with milliseconds');

/** Schema of `meta`. */
export const metaSchema = z.object({ requestId: z.string(), timestamp: isoTimestampSchema });

/** Schema of the success envelope around a data schema. */
export function successEnvelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data, meta: metaSchema });
}

/** Schema of the failure envelope. */
export const failureEnvelopeSchema = z.object({
  success: z.literal(false),
  error: z.object({
    code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.record(z.string(), z.array(z.string())).optional(),
  }),
  meta: metaSchema,
});
