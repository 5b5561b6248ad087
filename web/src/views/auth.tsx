import { useState } from 'preact/hooks';
import type { AnyResult } from '../../../src/client/index.ts';
import { announceSignIn, authOperations, call, client } from '../api.ts';
import { OfflineBanner, View } from '../components.tsx';
import type { Contract } from '../contract.ts';
import { bodyOf, type Field, fieldsOf, SchemaForm, valuesOf } from '../form.tsx';
import { navigate } from '../router.ts';
import { type Me, setMe } from '../session.ts';
import { stateOf } from '../state.ts';
import { handleCommon } from '../use-load.ts';

const loginFields: Field[] = fieldsOf({
  type: 'object',
  properties: { email: { type: 'string', format: 'email' }, password: { type: 'string', minLength: 1 } },
  required: ['email', 'password'],
});

/** Only a path of this console may follow a login: never another site. */
function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/** Signs in with e-mail and password, then reads who the user is. */
async function signIn(email: string, password: string): Promise<AnyResult> {
  const answer = await call(authOperations.login, { body: { email, password } });
  if (answer.kind !== 'success') return answer;
  client.clearCache();
  const me = await call(authOperations.me);
  if (me.kind === 'success') {
    setMe(me.data as Me);
    announceSignIn();
  }
  return me;
}

/** The login page: the 401 row's destination, then back where the user was. */
export function LoginView(props: { search: string }) {
  const [result, setResult] = useState<AnyResult | null>(null);
  const [busy, setBusy] = useState(false);
  // A wrong password is a 401 too, but here it is a form error, not a redirect.
  const shown: AnyResult | null =
    result?.kind === 'unauthorized'
      ? { ...result, kind: 'validation', message: 'Wrong e-mail or password.', code: null }
      : result;
  const state = result ? (result.kind === 'unauthorized' ? 'unauthorized' : stateOf(result)) : 'unauthorized';
  return (
    <View state={state} title="Sign in">
      <OfflineBanner />
      <SchemaForm
        fields={loginFields}
        initial={valuesOf(loginFields, null)}
        submitLabel="Sign in"
        result={shown}
        busy={busy}
        onSubmit={async (values) => {
          setBusy(true);
          const answer = await signIn(String(values.email), String(values.password));
          setBusy(false);
          if (answer.kind === 'success') {
            navigate(safeNext(props.search), { replace: true });
            return;
          }
          setResult(answer);
        }}
      />
      <p>
        No account? <a href="/signup">Sign up</a>
      </p>
    </View>
  );
}

/** Sign-up: the users resource's create form, then signed in. */
export function SignupView(props: { contract: Contract }) {
  const operation = props.contract.operations.createUser ?? props.contract.resources.users?.operations.create;
  const fields = fieldsOf(operation?.body ?? null);
  const [result, setResult] = useState<AnyResult | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <View state={result ? stateOf(result) : 'success'} title="Create an account">
      <OfflineBanner />
      {operation ? (
        <SchemaForm
          fields={fields}
          initial={valuesOf(fields, null)}
          submitLabel="Sign up"
          result={result}
          busy={busy}
          onSubmit={async (values) => {
            setBusy(true);
            const answer = await call(operation, { body: bodyOf(fields, values, false) });
            if (answer.kind !== 'created') {
              setBusy(false);
              setResult(answer);
              return;
            }
            const signedIn = await signIn(String(values.email), String(values.password));
            setBusy(false);
            handleCommon(signedIn);
            navigate('/', { flash: { state: 'created', message: 'Your account was created.' } });
          }}
        />
      ) : null}
      <p>
        Have an account? <a href="/login">Sign in</a>
      </p>
    </View>
  );
}
