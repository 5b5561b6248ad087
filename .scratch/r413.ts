import { request } from 'node:http';
import { createTestDatabase } from '../test/helpers.ts';
import { startTenet } from '../test/support/processes.ts';
import { startHaproxy } from '../test/support/services.ts';

const db = await createTestDatabase();
const t = await startTenet({
  NODE_ENV: 'production',
  DATABASE_URL: (db.config as { url: string }).url,
  JWT_SECRET: 'x'.repeat(40),
  CSRF_SECRET: 'y'.repeat(40),
  MAX_EVENT_LOOP_DELAY: '0',
});
const h = await startHaproxy([t.port]);
const u = new URL(h.url);
async function attempt(size: number, chunked: boolean, delay: number) {
  return new Promise<string>((resolve) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = size;
    const o = request(
      { host: u.hostname, port: u.port, method: 'POST', path: '/api/users', headers },
      (r) => {
        let b = '';
        r.on('data', (c) => (b += c));
        r.on('end', () => resolve(`${r.statusCode} ${b.slice(0, 60)}`));
        r.on('error', (e) => resolve(`resp error ${e.message}`));
      },
    );
    o.on('error', (e) => resolve(`error ${e.message}`));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      if (sent >= size) {
        o.end();
        return;
      }
      sent += chunk.length;
      const ok = o.write(chunk);
      if (!ok) o.once('drain', pump);
      else if (delay) setTimeout(pump, delay);
      else setImmediate(pump);
    };
    pump();
  });
}
for (const [size, chunked, delay] of [
  [2 << 20, false, 5],
  [2 << 20, false, 0],
  [8 << 20, false, 0],
  [2 << 20, true, 0],
  [8 << 20, true, 0],
  [8 << 20, true, 5],
] as const) {
  const r = [];
  for (let i = 0; i < 3; i++) r.push(await attempt(size, chunked, delay));
  console.log(size, chunked, delay, r);
}
await h.stop();
await t.stop();
await db.drop();
