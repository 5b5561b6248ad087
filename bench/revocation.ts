/**
 * The per-request cost of the revocation check (issue 8, item 3), measured, never asserted: the
 * same authenticated, DB-backed GET (`GET /api/auth/me`) on two apps over one database, one with
 * the check and one built with it switched off (`auth: { checkRevocations: false }`, which only
 * this bench uses), with 10,000 revoked sessions in the set. Rounds alternate so that drift falls
 * on both alike. Then `isRevoked()` alone, timed in process.
 * Usage: npm run bench:revocation  (PGlite in memory; with DATABASE_URL=postgres://… a scratch
 * database is made on that server and dropped afterwards)
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app/app.ts';
import { createAccessTokens } from '../src/auth/access-tokens.ts';
import { insertAccount } from '../src/auth/account-repository.ts';
import { createGuard } from '../src/auth/guard.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import { createSessionRevocations } from '../src/auth/session-revocations.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { migrateUp } from '../src/db/migrate.ts';
import { getCurrentUser } from '../src/protocol/routes/auth.ts';
import { createTestDatabase, testConfig } from '../test/helpers.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000);
const ROUNDS = 5;
const REVOKED = 10_000;

async function timeRequests(app: FastifyInstance, cookie: string, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const response = await app.inject({ url: '/api/auth/me', headers: { cookie } });
    if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}: ${response.body}`);
  }
  return Number(process.hrtime.bigint() - started) / count / 1000;
}

async function main(): Promise<void> {
  const scratch = await createTestDatabase();
  const database = await connectDatabase(scratch.config);
  try {
    await migrateUp(database);
    const config = testConfig(scratch.config);
    // Revoked sessions of other users: the set the check looks in holds them all.
    const owner = await insertAccount(database.db, {
      email: 'revoked@example.com',
      passwordHash: await hashPassword('bench-password-1'),
      displayName: 'Revoked',
    });
    const now = new Date();
    const expires = new Date(now.getTime() + 3_600_000);
    for (let start = 0; start < REVOKED; start += 1_000) {
      await database.db
        .insertInto('sessions')
        .values(
          Array.from({ length: 1_000 }, () => ({
            id: randomUUID(),
            user_id: owner.id,
            expires_at: expires,
            revoked_at: now,
          })),
        )
        .execute();
    }
    const checked = await buildApp(config, { database });
    const unchecked = await buildApp(config, { database, auth: { checkRevocations: false } });
    await Promise.all([checked.ready(), unchecked.ready()]);
    try {
      const email = 'bench@example.com';
      const password = 'bench-password-1';
      await insertAccount(database.db, {
        email,
        passwordHash: await hashPassword(password),
        displayName: 'B',
      });
      const login = await checked.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password },
      });
      const cookie = (login.headers['set-cookie'] as string[]).map((line) => line.split(';')[0]).join('; ');

      console.log(
        `revocation bench: ${REQUESTS} requests x ${ROUNDS} rounds per app, ${REVOKED} revoked sessions, ` +
          `database ${scratch.config.kind === 'postgres' ? 'PostgreSQL' : 'PGlite (memory)'}`,
      );
      await timeRequests(checked, cookie, 200); // warm-up
      await timeRequests(unchecked, cookie, 200);
      const on: number[] = [];
      const off: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        on.push(await timeRequests(checked, cookie, REQUESTS));
        off.push(await timeRequests(unchecked, cookie, REQUESTS));
      }
      const median = (values: number[]) =>
        [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
      const withCheck = median(on);
      const withoutCheck = median(off);
      console.log(
        `GET /api/auth/me with the check:    ${withCheck.toFixed(1)} µs/request (rounds ${on.map((v) => v.toFixed(0)).join(', ')})`,
      );
      console.log(
        `GET /api/auth/me without the check: ${withoutCheck.toFixed(1)} µs/request (rounds ${off.map((v) => v.toFixed(0)).join(', ')})`,
      );
      console.log(`ratio with/without: ${(withCheck / withoutCheck).toFixed(3)}`);

      const revocations = createSessionRevocations(database, config.accessTokenTtl);
      await revocations.start();
      const ids = Array.from({ length: 1_000 }, () => randomUUID());
      const lookups = 2_000_000;
      const started = process.hrtime.bigint();
      let hits = 0;
      for (let i = 0; i < lookups; i++) if (revocations.isRevoked(ids[i % ids.length] ?? '')) hits++;
      const nanos = Number(process.hrtime.bigint() - started) / lookups;
      console.log(
        `isRevoked() alone: ${nanos.toFixed(1)} ns per call with ${revocations.size} entries (${hits} hits); ` +
          `${((nanos / 1000 / withoutCheck) * 100).toFixed(4)}% of the request`,
      );

      // The whole guard (token verification, then the check) in process, on and off, alternating:
      // the request's own CPU without the noise of a shared machine's scheduling.
      const tokens = createAccessTokens(config.jwtSecrets, config.accessTokenTtl);
      const guardOptions = {
        tokens,
        csrfSecret: config.csrfSecret,
        trustedOrigins: [],
        findFamily: async () => null,
      };
      const guardOn = createGuard({ ...guardOptions, isRevoked: (id) => revocations.isRevoked(id) });
      const guardOff = createGuard({ ...guardOptions, isRevoked: () => false });
      const token = tokens.sign({ userId: owner.id, role: 'user', familyId: randomUUID() });
      const facts = {
        method: 'GET',
        cookies: { access_token: token },
        headers: {},
        ip: '127.0.0.1',
        serverOrigin: 'http://x',
      };
      const timeGuard = async (guard: typeof guardOn, count: number) => {
        const begun = process.hrtime.bigint();
        for (let i = 0; i < count; i++) await guard(getCurrentUser, facts);
        return Number(process.hrtime.bigint() - begun) / count;
      };
      await timeGuard(guardOn, 50_000);
      await timeGuard(guardOff, 50_000);
      const guardWith: number[] = [];
      const guardWithout: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        guardWith.push(await timeGuard(guardOn, 200_000));
        guardWithout.push(await timeGuard(guardOff, 200_000));
      }
      const gOn = median(guardWith);
      const gOff = median(guardWithout);
      console.log(
        `guard alone: ${gOn.toFixed(0)} ns with the check, ${gOff.toFixed(0)} ns without ` +
          `(ratio ${(gOn / gOff).toFixed(3)}; the check adds ${(gOn - gOff).toFixed(0)} ns, ` +
          `${(((gOn - gOff) / 1000 / withoutCheck) * 100).toFixed(4)}% of the GET)`,
      );
      await revocations.close();
    } finally {
      await checked.close();
      await unchecked.close();
    }
  } finally {
    await database.close();
    await scratch.drop();
  }
}

await main();
