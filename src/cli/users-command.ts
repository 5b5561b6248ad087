import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { insertAccount } from '../auth/account-repository.ts';
import { PasswordHasher } from '../auth/passwords.ts';
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

/**
 * `tenet users create --email E [--display-name N] [--admin]`. The password is asked for on a
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
    io.error(`${(error as Error).message}\nUsage: tenet users create --email E [--display-name N] [--admin]`);
    return 2;
  }
  if (positionals[0] !== 'create' || !values.email) {
    io.error('Usage: tenet users create --email E [--display-name N] [--admin]');
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
