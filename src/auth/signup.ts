import { AppError } from '../protocol/errors.ts';
import { entityTag } from '../protocol/etag.ts';
import type { Implementations } from '../protocol/handler.ts';
import type { SignUpContract } from '../protocol/routes/users.ts';
import { userToApi } from './account.ts';
import { insertAccount } from './account-repository.ts';
import { recordAudit } from './audit.ts';
import type { AuthServices } from './auth-routes.ts';

/** `POST /api/users`: sign-up, open or (with `SIGNUP=closed`) admin-only. */
export function signUpImplementations(
  services: Pick<AuthServices, 'db' | 'config' | 'hasher' | 'limiter'>,
): Implementations<SignUpContract> {
  const { db, config, hasher, limiter } = services;
  return {
    createUser: async ({ body }, context) => {
      if (config.signup === 'closed') {
        if (!context.caller)
          throw new AppError('UNAUTHORIZED', { message: 'Sign-up is closed; an admin creates accounts' });
        if (context.caller.role !== 'admin') throw new AppError('INSUFFICIENT_PERMISSIONS');
      }
      // Anonymous sign-ups are counted per IP like sign-ins: account creation costs a hash and a row.
      if (!context.caller) await limiter.consumeSignup(context.ip);
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
      const data = userToApi(user);
      // The same tag as GET /api/users/:id: a client can send it in If-Match without reading again.
      return { status: 201, data, headers: { Location: `/api/users/${user.id}`, ETag: entityTag(data) } };
    },
  };
}
