/** `display_name` -> `displayName`. */
export function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** `displayName` -> `display_name`. */
export function camelToSnake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Returns a shallow copy of a record with every key renamed to camelCase. */
export function keysToCamel(record: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) result[snakeToCamel(key)] = value;
  return result;
}

/** Returns a shallow copy of a record with every key renamed to snake_case. */
export function keysToSnake(record: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) result[camelToSnake(key)] = value;
  return result;
}
