import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../protocol/errors.ts';
import { jsonExceedsDepth } from '../protocol/json-depth.ts';
import { MAX_INPUT_DEPTH, tooDeepError } from '../protocol/validation.ts';

/** The `charset` parameter of a Content-Type, lower-cased, if it has one. */
function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
}

/**
 * Replaces Fastify's JSON parser with the same parser behind two checks:
 * - the body is UTF-8 (RFC 8259): another declared charset is 415, and bytes that are not UTF-8
 *   are 400, where decoding them would store U+FFFD, other text than the client sent;
 * - a document nested thousands of levels deep is refused with 400 INVALID_INPUT before it is
 *   parsed, so no recursive walk (prototype-poisoning scan, NUL scan, schema) can run out of stack.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(
        new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'JSON request bodies must be UTF-8' }),
        undefined,
      );
      return;
    }
    if (!isUtf8(body as Buffer)) {
      done(new AppError('INVALID_INPUT', { message: 'Request body is not valid UTF-8' }), undefined);
      return;
    }
    const text = (body as Buffer).toString('utf8');
    if (jsonExceedsDepth(text, MAX_INPUT_DEPTH)) {
      done(tooDeepError(), undefined);
      return;
    }
    parse(request, text, done);
  });
}
