import { z } from 'zod';
import { AppError, type ErrorDetails } from './errors.ts';

/** Where a value came from, which decides the error code of a failure. */
export type InputPart = 'params' | 'query' | 'body';

/** The query of a route that declares none: no parameter at all, so unknown ones are refused alike. */
export const noQuerySchema = z.strictObject({});

/** The most fields `details` lists; the rest are counted under `_truncated`. @default 50 */
export const MAX_DETAIL_FIELDS = 50;

/** The longest field name `details` echoes, in characters. @default 100 */
export const MAX_DETAIL_FIELD_LENGTH = 100;

/** The deepest nesting of arrays and objects any input may have. @default 32 */
export const MAX_INPUT_DEPTH = 32;

/** The key under which `details` says how many more fields failed than it lists. */
export const TRUNCATED_DETAIL = '_truncated';

/**
 * Field-level messages collected while validating; a Map so a client's key such
 * as `constructor` or `__proto__` is only ever data, and capped so a body of a million unknown
 * keys gets a small answer.
 */
export class DetailsBuilder {
  // Keyed by client-chosen strings: a plain object would answer `constructor` with Object's own.
  readonly #fields = new Map<string, string[]>();
  #omitted = 0;

  /** Adds one message for a field (duplicates ignored). */
  add(field: string, message: string): void {
    const name =
      field.length > MAX_DETAIL_FIELD_LENGTH ? `${field.slice(0, MAX_DETAIL_FIELD_LENGTH)}…` : field;
    const messages = this.#fields.get(name);
    if (messages) {
      if (!messages.includes(message)) messages.push(message);
      return;
    }
    // A 1 MiB body of unknown keys must not become a multi-megabyte answer.
    if (this.#fields.size >= MAX_DETAIL_FIELDS) {
      this.#omitted += 1;
      return;
    }
    this.#fields.set(name, [message]);
  }

  /** The details as the envelope carries them; every key an own data property, `__proto__` too. */
  build(): ErrorDetails {
    const entries = [...this.#fields];
    if (this.#omitted > 0) {
      entries.push([TRUNCATED_DETAIL, [`${this.#omitted} more field(s) failed and are not listed`]]);
    }
    return Object.fromEntries(entries);
  }
}

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
  const details = new DetailsBuilder();
  let onlyMissing = true;
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.add(fieldName([...issue.path, key]), 'Unknown field');
      onlyMissing = false;
      continue;
    }
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    if (!missing) onlyMissing = false;
    details.add(fieldName(issue.path), missing ? 'Required' : issue.message);
  }
  if (part === 'params') return new AppError('INVALID_INPUT', { details: details.build() });
  if (onlyMissing && issues.length > 0) return new AppError('MISSING_FIELD', { details: details.build() });
  return new AppError('VALIDATION_ERROR', { details: details.build() });
}

/** Input nested deeper than {@link MAX_INPUT_DEPTH}: refused before any recursive walk. */
export function tooDeepError(): AppError {
  return new AppError('INVALID_INPUT', {
    message: `Input is nested more than ${MAX_INPUT_DEPTH} levels deep`,
  });
}

/** Postgres cannot store NUL in text: refused rather than turned into a 500. */
export const NUL_MESSAGE = 'Must not contain NUL characters';
/** UTF-8 cannot encode a lone surrogate: the driver would store U+FFFD, silently other text. */
export const SURROGATE_MESSAGE = 'Must be well-formed Unicode (no unpaired surrogates)';

function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return NUL_MESSAGE;
  return text.isWellFormed() ? undefined : SURROGATE_MESSAGE;
}

/**
 * Finds the strings (values and keys) that cannot be stored as sent: a NUL character, or an
 * unpaired surrogate. Returns their details (field: message), or undefined when there are none.
 * Walks with an explicit stack, and throws INVALID_INPUT past {@link MAX_INPUT_DEPTH} levels, so no
 * input can exhaust the call stack.
 */
export function findUnstorableStrings(value: unknown): ErrorDetails | undefined {
  // Made on the first problem only: this runs on every request.
  let details: DetailsBuilder | undefined;
  const report = (path: readonly string[], message: string) => {
    details ??= new DetailsBuilder();
    details.add(fieldName(path), message);
  };
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const { value: current, path } = entry;
    const key = path.at(-1);
    const keyProblem = key === undefined ? undefined : unstorable(key);
    if (keyProblem) report(path, keyProblem);
    if (typeof current === 'string') {
      const problem = unstorable(current);
      if (problem) report(path, problem);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= MAX_INPUT_DEPTH) throw tooDeepError();
    const items = Array.isArray(current)
      ? current.map((item, index) => [String(index), item] as const)
      : Object.entries(current);
    // Pushed last to first, so fields are reported in the order they were sent.
    for (let index = items.length - 1; index >= 0; index -= 1) {
      const [itemKey, item] = items[index] as readonly [string, unknown];
      stack.push({ value: item, path: [...path, itemKey] });
    }
  }
  return details?.build();
}
