/**
 * The bare baseline of `npm run bench`: Fastify + pg, no logging, no auth, no validation library,
 * answering the same rows as tenet in the same envelope. It is what tenet's ratios are taken against.
 * Usage (by bench/run.ts): BENCH_DATABASE_URL=postgres://… PORT=… node bench/baseline.ts
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const PAGE_SIZE = 20;

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  avatar_url: string | null;
  role: string;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

/** The same representation tenet sends: fields picked and renamed to camelCase. */
function user(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    role: row.role,
    isActive: row.is_active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function envelope(data: unknown) {
  return { success: true, data, meta: { requestId: randomUUID(), timestamp: new Date().toISOString() } };
}

const COLUMNS = 'id, email, display_name, avatar_url, role, is_active, created_at, updated_at';
const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
const app = Fastify();

app.get('/users/:id', async (request, reply) => {
  const { id } = request.params as { id: string };
  const result = await pool.query<UserRow>(
    `select ${COLUMNS} from users where id = $1 and deleted_at is null`,
    [id],
  );
  const row = result.rows[0];
  if (row === undefined) return reply.status(404).send(envelope(null));
  return envelope(user(row));
});

app.get('/users', async (request) => {
  const query = request.query as { page?: string; count?: string };
  const page = Number(query.page ?? 1);
  const rows = await pool.query<UserRow>(
    `select ${COLUMNS} from users where deleted_at is null order by created_at desc, id desc limit ${PAGE_SIZE} offset $1`,
    [(page - 1) * PAGE_SIZE],
  );
  const totalItems =
    query.count === 'none'
      ? null
      : Number((await pool.query('select count(*) from users where deleted_at is null')).rows[0].count);
  const totalPages = totalItems === null ? null : Math.ceil(totalItems / PAGE_SIZE);
  return envelope({
    items: rows.rows.map(user),
    pagination: {
      page,
      pageSize: PAGE_SIZE,
      totalItems,
      totalPages,
      hasNextPage: rows.rows.length === PAGE_SIZE,
      hasPreviousPage: page > 1,
    },
  });
});

const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${url}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await pool.end();
  process.exit(0);
});
