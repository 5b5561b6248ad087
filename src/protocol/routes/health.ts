import { z } from 'zod';
import { defineContract, defineRoute } from '../contract.ts';

/** The health report: the process answers and its database is reachable. */
export const healthSchema = z.object({
  status: z.literal('ok'),
  database: z.literal('up'),
});

/** `GET /api/health`: 200 when the database answers, 503 SERVICE_UNAVAILABLE when it does not. */
export const getHealth = defineRoute({
  method: 'GET',
  path: '/api/health',
  summary: 'Health of the server and its database',
  tags: ['health'],
  access: 'public',
  responses: { 200: healthSchema },
  errors: ['SERVICE_UNAVAILABLE'],
  rateLimited: false,
});

/** The health route. */
export const healthContract = defineContract({ getHealth });
/** The health route as a type. */
export type HealthContract = typeof healthContract;
