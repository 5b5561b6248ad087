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

/** The tags of an entity-tag list (`*` alone, or quoted tags), or `undefined` when it is malformed. */
function parseTagList(header: string | readonly string[], weak: 'keep' | 'drop'): '*' | string[] | undefined {
  const value = (typeof header === 'string' ? header : header.join(', ')).trim();
  if (value === '*') return '*';
  const tags: string[] = [];
  let index = 0;
  while (index < value.length) {
    ENTITY_TAG.lastIndex = index;
    const match = ENTITY_TAG.exec(value);
    if (!match || ENTITY_TAG.lastIndex === index) break;
    if (match[2] && (!match[1] || weak === 'keep')) tags.push(match[2]);
    index = ENTITY_TAG.lastIndex;
  }
  return value === '' || index < value.length ? undefined : tags;
}

/** Reads an `If-Match` header: `'*'`, or the strong tags it lists (weak ones never match). */
export function parseIfMatch(header: string | readonly string[] | undefined): '*' | string[] | undefined {
  if (header === undefined) return undefined;
  const tags = parseTagList(header, 'drop');
  if (tags === undefined) {
    throw new AppError('INVALID_INPUT', {
      message: 'If-Match must be * or a comma-separated list of quoted entity tags',
    });
  }
  return tags;
}

/**
 * Whether an `If-None-Match` header names the current tag, so a GET may answer 304 Not Modified.
 * RFC 9110 compares weakly here (`W/"x"` matches `"x"`), and `*` matches any current item. A
 * malformed header is 400 INVALID_INPUT, as a malformed If-Match is.
 */
export function ifNoneMatchHits(header: string | readonly string[] | undefined, currentTag: string): boolean {
  if (header === undefined) return false;
  const tags = parseTagList(header, 'keep');
  if (tags === undefined) {
    throw new AppError('INVALID_INPUT', {
      message: 'If-None-Match must be * or a comma-separated list of quoted entity tags',
    });
  }
  return tags === '*' || tags.includes(currentTag);
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
