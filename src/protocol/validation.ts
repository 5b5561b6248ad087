import type { z } from 'zod';
import { AppError, type ErrorDetails } from './errors.ts';

/** Where a value came from, which decides the error code of a failure. */
export type InputPart = 'params' | 'query' | 'body';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Object.hasOwn(current, key) ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return current;
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '_' : path.map(String).join('.');
}

function addDetail(details: ErrorDetails, field: string, message: string): void {
  const messages = details[field] ?? [];
  if (!messages.includes(message)) messages.push(message);
  details[field] = messages;
}

/**
 * Turns schema issues into the envelope's error: `details` keyed by the camelCase field path.
 * A bad path parameter is INVALID_INPUT (the URL names nothing); a body whose only failures are
 * missing required fields is MISSING_FIELD; anything else is VALIDATION_ERROR.
 */
export function validationError(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  part: InputPart,
): AppError {
  const details: ErrorDetails = {};
  let onlyMissing = true;
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        addDetail(details, fieldName([...issue.path, key]), 'Unknown field');
      }
      onlyMissing = false;
      continue;
    }
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    if (!missing) onlyMissing = false;
    addDetail(details, fieldName(issue.path), missing ? 'Required' : issue.message);
  }
  if (part === 'params') return new AppError('INVALID_INPUT', { details });
  if (onlyMissing && issues.length > 0) return new AppError('MISSING_FIELD', { details });
  return new AppError('VALIDATION_ERROR', { details });
}

/** Returns the paths of strings that contain a NUL character, which Postgres cannot store. */
export function findNulStrings(value: unknown, path: string[] = [], found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(fieldName(path));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      findNulStrings(item, [...path, String(index)], found);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) found.push(fieldName([...path, key]));
      findNulStrings(item, [...path, key], found);
    }
  }
  return found;
}
