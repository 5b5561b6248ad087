import { AppError } from '../protocol/errors.ts';
import type { Implementations } from '../protocol/handler.ts';
import type { SignUpContract } from '../protocol/routes/users.ts';
import { userToApi } from './account.ts';
import { insertAccount } from './account-repository.ts';
import { recordAudit } from './audit.ts';
import type { AuthServices } from './auth-routes.ts';

/** `POST /api/users`: sign-up, open or (with `SIGNUP=closed`) admin-only. */
export function signUpImplementations(
  services: Pick<AuthServices, 'db' | 'config' | 'hasher'>,
): Implementations<SignUpContract> {
  const { db, config, hasher } = services;
  return {
    createUser: async ({ body }, context) => {
      if (config.signup === 'closed') {
        if (!context.caller)
          throw new AppError('UNAUTHORIZED', { message: 'Sign-up is closed; an admin creates accounts' });
        if (context.caller.role !== 'admin') throw new AppError('INSUFFICIENT_PERMISSIONS');
      }
      const user = await insertAccount(db, {
        email: body.email,
        passwordHash: await hasher.hash(body.password),
        displayName: body.displayName,
        avatarUrl: body.avatarUrl ?? null,
      });
      await recordAudit(db, {
        action: 'user.signup',
        userId: user.id,
        ip: context.ip,
        requestId: context.requestId,
        metadata: context.caller ? { createdBy: context.caller.userId } : {},
      });
      return { status: 201, data: userToApi(user), headers: { Location: `/api/users/${user.id}` } };
    },
  };
}
