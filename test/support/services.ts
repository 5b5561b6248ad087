import { existsSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  freePort,
  type OwnedProcess,
  serviceDirectory,
  startService,
  writeServiceFile,
} from './processes.ts';

/**
 * A TCP proxy on 127.0.0.1 that a test cuts and restores, to play an outage of what is behind it;
 * with `connectDelayMs`, each connection reaches the target only that long after it is accepted
 * (a slow network: the client is connected, its first bytes wait).
 */
export class TcpProxy {
  readonly #host: string;
  readonly #targetPort: number;
  readonly #connectDelayMs: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  constructor(targetHost: string, targetPort: number, options: { connectDelayMs?: number } = {}) {
    this.#host = targetHost;
    this.#targetPort = targetPort;
    this.#connectDelayMs = options.connectDelayMs ?? 0;
  }

  /** Accepts connections again (on the same port after the first time). */
  async up(): Promise<void> {
    const server = createServer((client) => {
      this.#sockets.add(client);
      client.on('close', () => this.#sockets.delete(client));
      client.on('error', () => client.destroy());
      client.pause();
      const open = () => {
        if (client.destroyed) return;
        const upstream = connect(this.#targetPort, this.#host);
        this.#sockets.add(upstream);
        upstream.on('close', () => this.#sockets.delete(upstream));
        for (const socket of [client, upstream]) {
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
        client.resume();
      };
      if (this.#connectDelayMs > 0) setTimeout(open, this.#connectDelayMs);
      else open();
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** Cuts every open connection and refuses new ones. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const rewritten = new URL(url);
    rewritten.hostname = '127.0.0.1';
    rewritten.port = String(this.port);
    return rewritten.toString();
  }
}

/** A Debian binary by name, also when /usr/sbin is not on PATH (a non-root shell). */
function binary(name: string): string {
  return existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name;
}

/** A running service with its generated folder; `stop()` ends it by PID and removes the folder. */
export interface Service {
  port: number;
  process: OwnedProcess;
  stop(): Promise<void>;
}

// pgbouncer refuses to run as root; it then drops to the PostgreSQL user.
function asServiceUser(args: string[]): string[] {
  return process.getuid?.() === 0 ? ['-u', 'postgres', ...args] : args;
}

/**
 * Debian's PgBouncer in TRANSACTION pooling mode in front of the PostgreSQL at `serverUrl`, on a
 * random port, trust auth to 127.0.0.1 (test-only). Returns `url(database)` for a database behind it.
 */
export async function startPgBouncer(
  serverUrl: string,
): Promise<Service & { url(database: string): string }> {
  const target = new URL(serverUrl);
  const port = await freePort();
  const dir = serviceDirectory();
  const user = decodeURIComponent(target.username || 'postgres');
  writeServiceFile(join(dir.path, 'userlist.txt'), `"${user}" ""\n`);
  writeServiceFile(
    join(dir.path, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir.path, 'userlist.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 1000',
      'default_pool_size = 20',
      'ignore_startup_parameters = extra_float_digits',
      'server_reset_query =',
      '',
    ].join('\n'),
  );
  let owned: OwnedProcess;
  try {
    owned = await startService(
      'pgbouncer',
      'pgbouncer',
      asServiceUser([join(dir.path, 'pgbouncer.ini')]),
      port,
    );
  } catch (error) {
    dir.remove();
    throw error;
  }
  return {
    port,
    process: owned,
    url: (database) => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`,
    async stop() {
      await owned.stop('SIGTERM');
      dir.remove();
    },
  };
}

/**
 * Debian's HAProxy, round-robin over `backends` (ports on 127.0.0.1), on a random port, with the
 * read-only `GET /api/health` as its health check; `url` is the balancer's origin.
 */
export async function startHaproxy(
  backends: readonly number[],
  listenPort?: number,
): Promise<Service & { url: string }> {
  const port = listenPort ?? (await freePort());
  const dir = serviceDirectory();
  const config = join(dir.path, 'haproxy.cfg');
  writeServiceFile(
    config,
    [
      'global',
      '  maxconn 4000',
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  option forwardfor',
      'frontend api',
      `  bind 127.0.0.1:${port}`,
      '  default_backend tenet',
      'backend tenet',
      '  balance roundrobin',
      '  option httpchk GET /api/health',
      '  http-check expect status 200',
      ...backends.map((backend, index) => `  server t${index} 127.0.0.1:${backend} check inter 2s`),
      '',
    ].join('\n'),
  );
  let owned: OwnedProcess;
  try {
    owned = await startService('haproxy', binary('haproxy'), ['-db', '-f', config], port);
  } catch (error) {
    dir.remove();
    throw error;
  }
  return {
    port,
    process: owned,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await owned.stop('SIGTERM');
      dir.remove();
    },
  };
}
