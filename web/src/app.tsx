import { useEffect, useState } from 'preact/hooks';
import { announceSignOut, authOperations, call, client, onSessionMessage } from './api.ts';
import { View } from './components.tsx';
import { type Contract, labelOf } from './contract.ts';
import { navigate, onLinkClick, parseRoute, takeFlash, useLocation } from './router.ts';
import { type Me, setMe, setOnline, useSession } from './session.ts';
import { PasswordView, SessionsView } from './views/account.tsx';
import { LoginView, SignupView } from './views/auth.tsx';
import { DetailView } from './views/detail.tsx';
import { CreateView, EditView } from './views/form-view.tsx';
import { ListView } from './views/list.tsx';

/** Ends the session here and in every other tab. */
async function signOut(): Promise<void> {
  const answer = await call(authOperations.logout);
  if (answer.kind === 'offline') {
    setOnline(false);
    return;
  }
  client.clearCache();
  setMe(null);
  announceSignOut();
  navigate('/login', { replace: true });
}

function Home(props: { contract: Contract; flash: ReturnType<typeof takeFlash> }) {
  const lists = Object.values(props.contract.resources).filter((resource) => resource.operations.list);
  return (
    <View state={props.flash?.state ?? 'success'} title={props.contract.title}>
      {props.flash ? (
        <p class="toast" role="status">
          {props.flash.message}
        </p>
      ) : null}
      <p>Every resource the API declares:</p>
      <ul class="cards">
        {lists.map((resource) => (
          <li key={resource.name}>
            <a href={`/${resource.name}`}>{labelOf(resource.name)}</a>
          </li>
        ))}
      </ul>
    </View>
  );
}

function Unknown() {
  return (
    <View state="notFound" title="Page not found">
      <div class="alert alert-warning" role="alert">
        <p>There is no page at this address.</p>
        <p>
          <a href="/">Back to the start</a>
        </p>
      </div>
    </View>
  );
}

/** The console: header, navigation, and the view the URL names. */
export function App(props: { contract: Contract; me: Me | null }) {
  const { pathname, search, key } = useLocation();
  const { me, online } = useSession();
  const [flash] = useState(() => ({ key: -1, value: null as ReturnType<typeof takeFlash> }));
  if (flash.key !== key) {
    flash.key = key;
    flash.value = takeFlash();
  }

  useEffect(() => {
    setMe(props.me);
    return onSessionMessage(async (type) => {
      client.clearCache();
      if (type === 'signedOut') {
        // Another tab signed out: the cookies are gone, so this tab is signed out too.
        setMe(null);
        navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
        return;
      }
      const answer = await call(authOperations.me);
      if (answer.kind === 'success') setMe(answer.data as Me);
    });
  }, []);

  const route = parseRoute(pathname);
  const { contract } = props;
  const known = (name: string) => name in contract.resources;
  let view: preact.JSX.Element;
  switch (route.view) {
    case 'home':
      view = <Home contract={contract} flash={flash.value} />;
      break;
    case 'login':
      view = <LoginView search={search} />;
      break;
    case 'signup':
      view = <SignupView contract={contract} />;
      break;
    case 'sessions':
      view = <SessionsView />;
      break;
    case 'password':
      view = <PasswordView />;
      break;
    case 'list':
      view = known(route.resource) ? (
        <ListView
          contract={contract}
          resource={route.resource}
          {...(route.parent ? { parent: route.parent } : {})}
          search={search}
          flash={flash.value}
        />
      ) : (
        <Unknown />
      );
      break;
    case 'create':
      view = known(route.resource) ? (
        <CreateView
          contract={contract}
          resource={route.resource}
          {...(route.parent ? { parent: route.parent } : {})}
        />
      ) : (
        <Unknown />
      );
      break;
    case 'detail':
      view = known(route.resource) ? (
        <DetailView contract={contract} resource={route.resource} id={route.id} flash={flash.value} />
      ) : (
        <Unknown />
      );
      break;
    case 'edit':
      view = known(route.resource) ? (
        <EditView contract={contract} resource={route.resource} id={route.id} />
      ) : (
        <Unknown />
      );
      break;
    default:
      view = <Unknown />;
  }

  const lists = Object.values(contract.resources).filter((resource) => resource.operations.list);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: one delegated handler turns same-origin links into in-app navigation; the links stay links.
    // biome-ignore lint/a11y/useKeyWithClickEvents: a link's keyboard activation fires this click too.
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          tenet console
        </a>
        <nav aria-label="Main">
          <ul>
            {lists.map((resource) => (
              <li key={resource.name}>
                <a
                  href={`/${resource.name}`}
                  aria-current={pathname.startsWith(`/${resource.name}`) ? 'page' : undefined}
                >
                  {labelOf(resource.name)}
                </a>
              </li>
            ))}
            {me ? (
              <>
                <li>
                  <a href="/account/sessions">My sessions</a>
                </li>
                <li>
                  <a href="/account/password">Password</a>
                </li>
                <li>
                  <button type="button" class="link" disabled={!online} onClick={signOut}>
                    Sign out {me.displayName ?? me.email}
                  </button>
                </li>
              </>
            ) : (
              <>
                <li>
                  <a href="/login">Sign in</a>
                </li>
                <li>
                  <a href="/signup">Sign up</a>
                </li>
              </>
            )}
          </ul>
        </nav>
      </header>
      {online ? null : (
        <p class="banner banner-global" role="status">
          Offline: showing the last data; changes are disabled.
        </p>
      )}
      <div key={key}>{view}</div>
    </div>
  );
}
