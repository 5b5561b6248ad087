import pg from 'pg';
import { createTestDatabase } from '../test/helpers.ts';
import { ApiClient } from '../test/support/api-client.ts';
import { startTenet } from '../test/support/processes.ts';

const db = await createTestDatabase();
const url = (db.config as { url: string }).url;
const s = await startTenet({
  NODE_ENV: 'production',
  DATABASE_URL: url,
  JWT_SECRET: 'x'.repeat(40),
  CSRF_SECRET: 'y'.repeat(40),
  TRUST_PROXY: '127.0.0.1',
  MAX_EVENT_LOOP_DELAY: '0',
  DATABASE_POOL_SIZE: '30',
});
const c = new ApiClient(s.url);
const uid = await c.signUpAndLogin();
const admin = new pg.Client(url);
await admin.connect();
await admin.query('begin');
await admin.query('lock table posts in access exclusive mode');
const p = Promise.all(Array.from({ length: 20 }, () => c.call('GET', `/api/users/${uid}/posts`)));
await new Promise((r) => setTimeout(r, 1500));
console.log(
  (
    await admin.query(
      `select datname, state, wait_event_type, wait_event, left(query,30) q from pg_stat_activity where datname=current_database()`,
    )
  ).rows,
);
await admin.query('commit');
console.log((await p).map((a) => a.status));
await admin.end();
await s.stop();
await db.drop();
