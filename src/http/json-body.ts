import type { FastifyInstance } from 'fastify';
import { jsonExceedsDepth } from '../protocol/json-depth.ts';
import { MAX_INPUT_DEPTH, tooDeepError } from '../protocol/validation.ts';

/**
 * Replaces Fastify's JSON parser with the same parser behind a depth check: a document nested
 * thousands of levels deep is refused with 400 INVALID_INPUT before it is parsed, so no recursive
 * walk (prototype-poisoning scan, NUL scan, schema) can run out of stack.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonExceedsDepth(body as string, MAX_INPUT_DEPTH)) {
      done(tooDeepError(), undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
