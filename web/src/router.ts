import { useEffect, useState } from 'preact/hooks';

/** A view a URL names. */
export type Route =
  | { view: 'home' }
  | { view: 'login' }
  | { view: 'signup' }
  | { view: 'sessions' }
  | { view: 'password' }
  | { view: 'list'; resource: string; parent?: { resource: string; id: string } }
  | { view: 'create'; resource: string; parent?: { resource: string; id: string } }
  | { view: 'detail'; resource: string; id: string }
  | { view: 'edit'; resource: string; id: string }
  | { view: 'unknown' };

/** A state a view shows once, after a write took the user there (a toast, not a fetch). */
export type Flash = { state: 'created' | 'noContent' | 'success'; message: string } | null;

/** Reads the view out of a path. */
export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (parts.length === 0) return { view: 'home' };
  if (first === 'login' && parts.length === 1) return { view: 'login' };
  if (first === 'signup' && parts.length === 1) return { view: 'signup' };
  if (first === 'account' && second === 'sessions' && parts.length === 2) return { view: 'sessions' };
  if (first === 'account' && second === 'password' && parts.length === 2) return { view: 'password' };
  if (!first) return { view: 'unknown' };
  if (parts.length === 1) return { view: 'list', resource: first };
  if (parts.length === 2 && second === 'new') return { view: 'create', resource: first };
  if (parts.length === 2 && second) return { view: 'detail', resource: first, id: second };
  if (parts.length === 3 && second && third === 'edit') return { view: 'edit', resource: first, id: second };
  if (parts.length === 3 && second && third) {
    return { view: 'list', resource: third, parent: { resource: first, id: second } };
  }
  if (parts.length === 4 && second && third && fourth === 'new') {
    return { view: 'create', resource: third, parent: { resource: first, id: second } };
  }
  return { view: 'unknown' };
}

/** The path of an item, a list, or a form. */
export const paths = {
  list: (resource: string) => `/${encodeURIComponent(resource)}`,
  nested: (parent: string, id: string, resource: string) =>
    `/${encodeURIComponent(parent)}/${encodeURIComponent(id)}/${encodeURIComponent(resource)}`,
  detail: (resource: string, id: string) => `/${encodeURIComponent(resource)}/${encodeURIComponent(id)}`,
  edit: (resource: string, id: string) => `/${encodeURIComponent(resource)}/${encodeURIComponent(id)}/edit`,
};

type Listener = () => void;
const listeners = new Set<Listener>();
let flash: Flash = null;

/** Goes to a URL of the console without reloading; `flash` is shown by the next view. */
export function navigate(url: string, options: { replace?: boolean; flash?: Flash } = {}): void {
  flash = options.flash ?? null;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const listener of listeners) listener();
}

/** Takes the flash left by the last navigation (once). */
export function takeFlash(): Flash {
  const taken = flash;
  flash = null;
  return taken;
}

addEventListener('popstate', () => {
  flash = null;
  for (const listener of listeners) listener();
});

/** The current location, re-rendering on every navigation. */
export function useLocation(): { pathname: string; search: string; key: number } {
  const [key, setKey] = useState(0);
  useEffect(() => {
    const listener = () => setKey((value) => value + 1);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return { pathname: location.pathname, search: location.search, key };
}

/** The URL of the current view, to come back to after signing in. */
export function currentUrl(): string {
  return location.pathname + location.search;
}

/** Follows a same-origin link without reloading (keeps middle-click and modifier keys working). */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.target as Element | null)?.closest('a');
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || anchor.target) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/docs'))
    return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
