import type { DatabaseHandle } from '../db/connect.ts';
import { DATABASE_RETRY_AFTER_SECONDS } from '../db/errors.ts';
import { AppError } from '../protocol/errors.ts';
import type { Implementations } from '../protocol/handler.ts';
import type { HealthContract } from '../protocol/routes/health.ts';

/** `GET /api/health`: pings the database; 503 with `Retry-After` while it does not answer. */
export function healthImplementations(database: DatabaseHandle): Implementations<HealthContract> {
  return {
    getHealth: async () => {
      try {
        await database.ping();
      } catch (error) {
        throw new AppError('SERVICE_UNAVAILABLE', {
          message: 'Database unreachable',
          headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
          cause: error,
        });
      }
      return { status: 200, data: { status: 'ok', database: 'up' } as const };
    },
  };
}
