// Compile-time checks of the client's types, run by `tsc --noEmit` (npm test): each
// `@ts-expect-error` fails the type check if the line it marks ever compiles.

import type { ErrorCode } from '../protocol/errors.ts';
import type { ReferenceContract } from '../protocol/routes/index.ts';
import type { TenetClient } from './client.ts';
import type { ClientErrorCode } from './errors.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** The client's codes are exactly the catalogue's. */
export const codesMatchCatalogue: Equal<ClientErrorCode, ErrorCode> = true;

/** Never called: only type-checked. */
export async function typeChecks(client: TenetClient<ReferenceContract>): Promise<void> {
  await client.call('getHealth');
  await client.call('listUsers');
  await client.call('listUsers', { query: { page: 2, pageSize: 50, sortOrder: 'asc', search: 'ada' } });
  // @ts-expect-error an unknown route
  await client.call('getWidgets');
  // @ts-expect-error a route with a path parameter needs it
  await client.call('getUser');
  // @ts-expect-error a path parameter by its declared name only
  await client.call('getUser', { params: { userId: 'x' } });
  // @ts-expect-error a route with a body needs it
  await client.call('createUser');
  // @ts-expect-error body fields are typed from the route's schema
  await client.call('createUser', { body: { email: 42, password: 'p', displayName: 'A' } });
  // @ts-expect-error a route without a body takes none
  await client.call('getHealth', { body: {} });
  // @ts-expect-error query values are typed (sortOrder is asc or desc)
  await client.call('listUsers', { query: { sortOrder: 'sideways' } });

  const user = await client.call('getUser', { params: { id: 'x' } });
  if (user.kind === 'success') {
    const email: string = user.data.email;
    // @ts-expect-error the representation has no password hash
    void user.data.passwordHash;
    void email;
  }
  if (user.kind === 'validation') {
    const code:
      | 'VALIDATION_ERROR'
      | 'INVALID_INPUT'
      | 'MISSING_FIELD'
      | 'PAYLOAD_TOO_LARGE'
      | 'UNSUPPORTED_MEDIA_TYPE'
      | null = user.code;
    void code;
  }
  if (user.kind === 'offline' && user.cached) void user.cached.data.displayName;
  // @ts-expect-error a GET route that declares 200 has no created variant
  if (user.kind === 'created') return;

  const created = await client.call('createUser', {
    body: { email: 'ada@example.com', password: 'correct horse', displayName: 'Ada' },
  });
  if (created.kind === 'created') void created.data.id;
  // @ts-expect-error a write has no cached data to fall back on
  if (created.kind === 'offline' && created.cached) void created.cached.data;

  const removed = await client.call('deleteUser', { params: { id: 'x' } });
  // @ts-expect-error a 204 route has no data
  if (removed.kind === 'noContent') void removed.data;
}
