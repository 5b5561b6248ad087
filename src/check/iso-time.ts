/** ISO 8601: a date, or a date and time with seconds optional, fraction optional, and a zone. */
export const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** Whether a string is an ISO 8601 timestamp that also names a real instant. */
export function isIsoTimestamp(value: unknown): boolean {
  return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}
