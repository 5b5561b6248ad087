import type { FastifyInstance } from 'fastify';

/** How much of a refused body is read off (and discarded) so that the answer reaches the client. */
export const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/** How long a refused body may keep arriving before the connection is closed anyway. */
export const DRAIN_TIMEOUT_MS = 5_000;

/**
 * Lets an early answer (413 while the body is still arriving, or any error before the body was read)
 * reach the client through a proxy. Fastify asks to close the connection at once; closing a socket
 * with unread input makes the kernel send a reset, and a load balancer then drops the answer. Instead
 * the rest of the body is read off and discarded, up to a bound in bytes and time, on a connection
 * that stays usable; past the bound the connection is closed.
 */
export function drainRefusedBodies(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const incoming = request.raw;
    if (incoming.complete || reply.getHeader('connection') !== 'close') return done(null, payload);
    const declared = Number(request.headers['content-length']);
    // A body declared larger than the bound would be read off for nothing: close as Fastify asked.
    if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) return done(null, payload);
    reply.removeHeader('connection');
    let read = 0;
    const stop = () => {
      clearTimeout(timer);
      incoming.off('data', onData);
      incoming.socket?.destroy();
    };
    // The timer and the byte count bound what a client can make us read; then the socket goes.
    const timer = setTimeout(stop, DRAIN_TIMEOUT_MS);
    timer.unref();
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > DRAIN_LIMIT_BYTES) stop();
    };
    incoming.on('data', onData);
    incoming.once('end', () => {
      clearTimeout(timer);
      incoming.off('data', onData);
    });
    incoming.resume();
    done(null, payload);
  });
}
