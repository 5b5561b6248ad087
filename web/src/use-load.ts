import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AnyResult } from '../../src/client/index.ts';
import { currentUrl, navigate } from './router.ts';
import { setMe, setOnline, useSession } from './session.ts';

/** Sends the user to the login page, to come back to `back` after signing in. */
export function toLogin(back: string = currentUrl()): void {
  setMe(null);
  navigate(`/login?next=${encodeURIComponent(back)}`, { replace: true });
}

/** What every view does with a result: 401 goes to login, offline and back online are tracked. */
export function handleCommon(result: AnyResult): void {
  if (result.kind === 'unauthorized') toLogin();
  setOnline(result.kind !== 'offline');
}

/**
 * Loads a view's data: `result` is null while loading; `reload` loads again (Retry). It loads
 * again by itself when the network comes back.
 */
export function useLoad(key: string, load: (signal: AbortSignal) => Promise<AnyResult>) {
  const [result, setResult] = useState<AnyResult | null>(null);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const { online } = useSession();
  const wasOnline = useRef(online);

  useEffect(() => {
    const controller = new AbortController();
    setResult(null);
    loadRef
      .current(controller.signal)
      .then((value) => {
        if (controller.signal.aborted) return;
        handleCommon(value);
        setResult(value);
      })
      .catch(() => {});
    return () => controller.abort();
  }, [key, generation]);

  useEffect(() => {
    if (online && !wasOnline.current) setGeneration((value) => value + 1);
    wasOnline.current = online;
  }, [online]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { result, reload, setResult };
}
