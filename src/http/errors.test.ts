import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../protocol/errors.ts';
import { handleError } from './errors.ts';

function fakes() {
  const logged: { level: string; message: string }[] = [];
  const sent: { status: number; body: unknown }[] = [];
  const log = (level: string) => (_details: unknown, message: string) => logged.push({ level, message });
  const request = {
    id: 'req-1',
    log: { warn: log('warn'), error: log('error'), info: log('info') },
  } as unknown as FastifyRequest;
  let status = 200;
  const reply = {
    headers: () => reply,
    setCookie: () => reply,
    status(code: number) {
      status = code;
      return reply;
    },
    send(body: unknown) {
      sent.push({ status, body });
      return reply;
    },
  } as unknown as FastifyReply;
  return { logged, sent, request, reply };
}

test('a 503 the server chose logs at warn; a failure, or a 503 a failure caused, at error; 4xx not at all', () => {
  const { logged, sent, request, reply } = fakes();
  handleError(new AppError('SERVICE_UNAVAILABLE', { message: 'Too many sign-ins' }), request, reply);
  handleError(new Error('boom'), request, reply);
  handleError(Object.assign(new Error('pool'), { statusCode: 503 }), request, reply);
  handleError(new AppError('NOT_FOUND'), request, reply);
  assert.deepEqual(logged, [
    { level: 'warn', message: 'request refused' },
    { level: 'error', message: 'request failed' },
    { level: 'error', message: 'request failed' },
  ]);
  assert.deepEqual(
    sent.map(({ status }) => status),
    [503, 500, 503, 404],
  );
});
