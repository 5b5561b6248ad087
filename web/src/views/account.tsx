import { useState } from 'preact/hooks';
import type { AnyResult } from '../../../src/client/index.ts';
import { authOperations, call } from '../api.ts';
import { OfflineBanner, ResultPanel, View } from '../components.tsx';
import { type Field, fieldsOf, SchemaForm, valuesOf } from '../form.tsx';
import { useSession } from '../session.ts';
import { stateOf } from '../state.ts';
import { handleCommon, useLoad } from '../use-load.ts';
import { display } from './list.tsx';

interface SessionRow {
  id: string;
  createdAt: string;
  lastUsedAt: string | null;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

/** "My sessions": every signed-in device, each revocable, or all but this one at once. */
export function SessionsView() {
  const { online } = useSession();
  const { result, reload } = useLoad('sessions', (signal) => call(authOperations.listSessions, { signal }));
  const [write, setWrite] = useState<AnyResult | null>(null);
  const rows =
    result?.kind === 'success' || result?.kind === 'empty'
      ? (result.data as { items: SessionRow[] }).items
      : result?.kind === 'offline' && result.cached
        ? (result.cached.data as { items: SessionRow[] }).items
        : null;
  let state = stateOf(write ?? result);
  if (write?.kind === 'noContent' && result && result.kind !== 'success' && result.kind !== 'empty')
    state = stateOf(result);
  if (!online && rows) state = 'offline';

  const act = async (answer: Promise<AnyResult>) => {
    const value = await answer;
    handleCommon(value);
    setWrite(value);
    // 204: silent success, the list just shows the sessions that are left.
    if (value.kind === 'noContent') reload();
  };
  return (
    <View state={state} title="My sessions">
      {result?.kind === 'offline' && result.cached ? (
        <OfflineBanner receivedAt={result.cached.receivedAt} />
      ) : (
        <OfflineBanner />
      )}
      {write && write.kind !== 'noContent' ? (
        <ResultPanel result={write} onRetry={() => setWrite(null)} what="session" />
      ) : null}
      {rows ? (
        <>
          <table>
            <caption class="visually-hidden">Sessions</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>
                    {row.userAgent ?? 'Unknown device'}
                    {row.current ? <strong> (this session)</strong> : null}
                  </td>
                  <td>{row.ip ?? '—'}</td>
                  <td>{display(row.createdAt)}</td>
                  <td>{display(row.lastUsedAt)}</td>
                  <td>
                    {row.current ? null : (
                      <button
                        type="button"
                        disabled={!online}
                        onClick={() => act(call(authOperations.revokeSession, { params: { id: row.id } }))}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button
              type="button"
              disabled={!online || rows.length < 2}
              onClick={() => act(call(authOperations.revokeOtherSessions))}
            >
              Sign out every other session
            </button>
          </p>
        </>
      ) : (
        <ResultPanel result={result} onRetry={reload} what="list of sessions" />
      )}
    </View>
  );
}

const passwordFields: Field[] = fieldsOf({
  type: 'object',
  properties: {
    currentPassword: { type: 'string', minLength: 1 },
    newPassword: { type: 'string', minLength: 8, maxLength: 256 },
  },
  required: ['currentPassword', 'newPassword'],
});

/** Password change: 204, and the session's cookies are rotated by the server. */
export function PasswordView() {
  const [result, setResult] = useState<AnyResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(0);
  // A wrong current password answers 401 INVALID_CREDENTIALS: a field error here, not a sign-out.
  const shown: AnyResult | null =
    result?.kind === 'unauthorized' && result.code === 'INVALID_CREDENTIALS'
      ? {
          ...result,
          kind: 'validation',
          code: null,
          details: { currentPassword: [result.message || 'Wrong password'] },
        }
      : result;
  return (
    <View state={shown ? stateOf(shown) : 'success'} title="Change password">
      <OfflineBanner />
      {result?.kind === 'noContent' ? (
        <p class="toast" role="status">
          Your password was changed.
        </p>
      ) : null}
      <SchemaForm
        key={key}
        fields={passwordFields}
        initial={valuesOf(passwordFields, null)}
        submitLabel="Change password"
        result={shown}
        busy={busy}
        onSubmit={async (values) => {
          setBusy(true);
          const answer = await call(authOperations.changePassword, {
            body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
          });
          setBusy(false);
          if (!(answer.kind === 'unauthorized' && answer.code === 'INVALID_CREDENTIALS'))
            handleCommon(answer);
          setResult(answer);
          if (answer.kind === 'noContent') setKey((value) => value + 1);
        }}
      />
    </View>
  );
}
