import { hash } from 'node:crypto';
import { AppError } from './errors.ts';

/**
 * The strong entity tag of a representation: 128 bits of its SHA-256. It changes whenever the
 * representation does (every write moves `updatedAt`), and costs about a microsecond.
 */
export function entityTag(representation: unknown): string {
  // One-shot hash: no Hash object per call.
  const digest = hash('sha256', JSON.stringify(representation), 'base64url');
  return `"${digest.slice(0, 22)}"`;
}

// One entity-tag of a list (RFC 9110 section 8.8.3): optional W/, then a quoted string.
const ENTITY_TAG = /[ \t]*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")[ \t]*(?:,|$)/y;

/** Reads an `If-Match` header: `'*'`, or the strong tags it lists (weak ones never match). */
export function parseIfMatch(header: string | readonly string[] | undefined): '*' | string[] | undefined {
  if (header === undefined) return undefined;
  const value = (typeof header === 'string' ? header : header.join(', ')).trim();
  if (value === '*') return '*';
  const tags: string[] = [];
  let index = 0;
  while (index < value.length) {
    ENTITY_TAG.lastIndex = index;
    const match = ENTITY_TAG.exec(value);
    if (!match || ENTITY_TAG.lastIndex === index) break;
    if (!match[1] && match[2]) tags.push(match[2]);
    index = ENTITY_TAG.lastIndex;
  }
  if (value === '' || index < value.length) {
    throw new AppError('INVALID_INPUT', {
      message: 'If-Match must be * or a comma-separated list of quoted entity tags',
    });
  }
  return tags;
}

/**
 * Refuses a write whose `If-Match` names none of the current version's tag: 409 CONFLICT (the
 * design's choice over 412), carrying the current ETag so the client can re-read and retry.
 * Without `If-Match` the write goes ahead.
 */
export function assertIfMatch(header: string | readonly string[] | undefined, currentTag: string): void {
  const condition = parseIfMatch(header);
  if (condition === undefined || condition === '*' || condition.includes(currentTag)) return;
  throw new AppError('CONFLICT', {
    message: 'The item has changed since the version named in If-Match',
    headers: { ETag: currentTag },
  });
}
