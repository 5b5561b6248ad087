import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { findAccountByEmail, insertAccount, updatePasswordHash } from '../auth/account-repository.ts';
import { recordAudit } from '../auth/audit.ts';
import { PasswordHasher } from '../auth/passwords.ts';
import { revokeSessions } from '../auth/session-repository.ts';
import type { Config } from '../config.ts';
import { connectDatabase } from '../db/connect.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { migrateUp } from '../db/migrate.ts';
import { displayNameSchema, emailInputSchema, passwordSchema } from '../protocol/routes/users.ts';

/** Where `tenet users` reads the password and writes its answers. */
export interface UsersCommandIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  out(text: string): void;
  error(text: string): void;
}

/** Asks for a password without echoing it; on a pipe, reads the first line of standard input. */
async function readPassword(io: UsersCommandIo): Promise<string> {
  if (!io.stdin.isTTY) {
    let text = '';
    for await (const chunk of io.stdin) text += chunk;
    return text.split(/\r?\n/, 1)[0] ?? '';
  }
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const prompt = createInterface({ input: io.stdin, output, terminal: true });
  try {
    const ask = async (question: string) => {
      process.stderr.write(question);
      muted = true;
      const answer = await prompt.question('');
      muted = false;
      process.stderr.write('\n');
      return answer;
    };
    const password = await ask('Password: ');
    if ((await ask('Repeat password: ')) !== password) throw new UsageError('The passwords do not match.');
    return password;
  } finally {
    prompt.close();
  }
}

class UsageError extends Error {}

const USAGE =
  'Usage: tenet users create --email E [--display-name N] [--admin]\n       tenet users set-password --email E';

/**
 * `tenet users create --email E [--display-name N] [--admin]` and `tenet users set-password --email
 * E` (the only way an admin sets someone's password; every session of that user is revoked at
 * once). The password is asked for on a
 * terminal (or read from standard input), never taken as an argument: arguments end up in shell
 * history and in the process list.
 */
export async function usersCommand(config: Config, args: string[], io: UsersCommandIo): Promise<number> {
  let values: { email?: string; 'display-name'?: string; admin?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { email: { type: 'string' }, 'display-name': { type: 'string' }, admin: { type: 'boolean' } },
    }));
  } catch (error) {
    io.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const action = positionals[0];
  if ((action !== 'create' && action !== 'set-password') || !values.email || positionals.length > 1) {
    io.error(USAGE);
    return 2;
  }
  if (action === 'set-password' && (values.admin || values['display-name'] !== undefined)) {
    io.error(`set-password takes only --email.\n${USAGE}`);
    return 2;
  }
  const email = emailInputSchema.safeParse(values.email);
  const displayName = displayNameSchema.safeParse(
    values['display-name'] ?? (values.admin ? 'Admin' : 'User'),
  );
  if (!email.success || !displayName.success) {
    io.error(
      !email.success ? 'The e-mail address is not valid.' : 'The display name must be 1-100 characters.',
    );
    return 2;
  }
  let password: string;
  try {
    password = await readPassword(io);
  } catch (error) {
    io.error(error instanceof UsageError ? error.message : String(error));
    return 2;
  }
  const checked = passwordSchema.safeParse(password);
  if (!checked.success) {
    io.error(
      `The password is not acceptable: ${checked.error.issues.map((issue) => issue.message).join('; ')}.`,
    );
    return 2;
  }
  const database = await connectDatabase(config.database);
  try {
    await migrateUp(database);
    if (action === 'set-password') {
      const account = await findAccountByEmail(database.db, email.data);
      if (!account) {
        io.error(`No user with the e-mail ${email.data}.`);
        return 1;
      }
      const passwordHash = await new PasswordHasher().hash(checked.data);
      const revoked = await database.db.transaction().execute(async (trx) => {
        await updatePasswordHash(trx, account.id, passwordHash);
        // Whoever holds a session of the account is signed out at once, on every running instance.
        const ids = await revokeSessions(trx, { userId: account.id });
        await recordAudit(trx, {
          action: 'user.password_set',
          userId: account.id,
          ip: 'cli',
          requestId: `cli-${randomUUID()}`,
          metadata: { targetId: account.id, by: 'cli', sessionsRevoked: ids.length },
        });
        return ids.length;
      });
      io.out(`password set for ${account.email} (${account.id}); ${revoked} session(s) revoked`);
      return 0;
    }
    const user = await insertAccount(database.db, {
      email: email.data,
      passwordHash: await new PasswordHasher().hash(checked.data),
      displayName: displayName.data,
      role: values.admin ? 'admin' : 'user',
    });
    io.out(`created ${user.role} ${user.email} (${user.id})`);
    return 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '23505') {
      io.error(`A user with the e-mail ${email.data} already exists.`);
      return 1;
    }
    if (isDatabaseUnavailable(error)) {
      io.error('The database is not reachable.');
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}
