import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AnyResult } from '../../src/client/index.ts';
import { useSession } from './session.ts';
import { retryAfterOf, type ViewState } from './state.ts';

/** A view's root: `<main data-state>`, its heading focused when the view opens (for keyboard and screen-reader users). */
export function View(props: {
  state: ViewState;
  title: string;
  children?: ComponentChildren;
  actions?: ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · tenet console`;
  }, [props.title]);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <main id="main" class="view" data-state={props.state} aria-busy={props.state === 'loading'}>
      <div class="view-head">
        <h1 tabIndex={-1} ref={heading}>
          {props.title}
        </h1>
        {props.actions ? <div class="actions">{props.actions}</div> : null}
      </div>
      {props.children}
    </main>
  );
}

/** The loading row: grey bars where the content will be. */
export function Skeleton(props: { rows?: number }) {
  return (
    <div class="skeleton" role="status" aria-label="Loading">
      {Array.from({ length: props.rows ?? 5 }, (_, index) => (
        <div class="skeleton-bar" key={index} />
      ))}
    </div>
  );
}

/** Counts a `Retry-After` wait down to zero. */
function useCountdown(seconds: number | null): number {
  const [left, setLeft] = useState(seconds ?? 0);
  useEffect(() => {
    setLeft(seconds ?? 0);
    if (!seconds) return;
    const ends = Date.now() + seconds * 1000;
    const timer = setInterval(() => {
      const remaining = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
      setLeft(remaining);
      if (remaining === 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [seconds]);
  return left;
}

/** The Retry-After wait, shown (429 and 503). */
export function RetryWait(props: { seconds: number | null }) {
  const left = useCountdown(props.seconds);
  if (props.seconds === null) return <p>Please wait a moment before trying again.</p>;
  return (
    <p class="wait" role="timer" aria-live="off">
      {left > 0 ? `You can retry in ${left} s.` : 'You can retry now.'}
    </p>
  );
}

/** A focused alert, so keyboard and screen-reader users land on the problem. */
export function Alert(props: {
  tone: 'error' | 'warning' | 'info';
  children: ComponentChildren;
  focus?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (props.focus !== false) box.current?.focus();
  }, []);
  return (
    <div class={`alert alert-${props.tone}`} role="alert" tabIndex={-1} ref={box}>
      {props.children}
    </div>
  );
}

/**
 * What a view shows for a result that is not its data: one way for every view. Returns null for
 * success and empty (the view renders those itself).
 */
export function ResultPanel(props: { result: AnyResult | null; onRetry: () => void; what: string }) {
  const { result } = props;
  const wait = useCountdown(retryAfterOf(result));
  if (!result) return <Skeleton />;
  switch (result.kind) {
    case 'forbidden':
      return (
        <Alert tone="error">
          <h2>You do not have permission</h2>
          <p>{result.message || `You may not see or change this ${props.what}.`}</p>
        </Alert>
      );
    case 'notFound':
      return (
        <Alert tone="warning">
          <h2>Not found</h2>
          <p>There is no such {props.what}. It may have been deleted, or the address is wrong.</p>
          <p>
            <a href="/">Back to the start</a>
          </p>
        </Alert>
      );
    case 'serverError':
      return (
        <Alert tone="error">
          <h2>Something went wrong on the server</h2>
          <p>
            {result.message}
            {result.requestId ? ` (request ${result.requestId})` : ''}
          </p>
          {result.retryAfter !== null ? <RetryWait seconds={result.retryAfter} /> : null}
          <button type="button" onClick={props.onRetry} disabled={wait > 0}>
            Retry
          </button>
        </Alert>
      );
    case 'rateLimited':
      return (
        <Alert tone="warning">
          <h2>Too many requests</h2>
          <p>{result.message}</p>
          <RetryWait seconds={result.retryAfter} />
          <button type="button" onClick={props.onRetry} disabled={wait > 0}>
            Retry
          </button>
        </Alert>
      );
    case 'offline':
      return result.cached ? null : (
        <Alert tone="warning">
          <h2>You are offline</h2>
          <p>
            This {props.what} was not loaded before the connection dropped. It loads when you are back online.
          </p>
          <button type="button" onClick={props.onRetry}>
            Retry
          </button>
        </Alert>
      );
    case 'validation':
    case 'conflict':
      return (
        <Alert tone="error">
          <h2>The request was refused</h2>
          <p>{result.message}</p>
          <FieldList details={result.details} />
        </Alert>
      );
    case 'unauthorized':
      return (
        <Alert tone="info">
          <p>Your session has ended. Taking you to the login page…</p>
        </Alert>
      );
    default:
      return null;
  }
}

/** Field errors as a list (for a page that has no form field to put them under). */
export function FieldList(props: { details: Readonly<Record<string, readonly string[]>> }) {
  const entries = Object.entries(props.details);
  if (entries.length === 0) return null;
  return (
    <ul>
      {entries.map(([field, messages]) => (
        <li key={field}>
          {field}: {messages.join(' ')}
        </li>
      ))}
    </ul>
  );
}

/** The banner of the offline row: the data is the last known, and writes wait for the network. */
export function OfflineBanner(props: { receivedAt?: number | null }) {
  const { online } = useSession();
  if (online && props.receivedAt === undefined) return null;
  const when = props.receivedAt ? new Date(props.receivedAt).toLocaleTimeString() : null;
  return (
    <div class="banner" role="status">
      <strong>You are offline.</strong>{' '}
      {when ? `Showing data from ${when}; it may be stale.` : 'What you see may be stale.'} Changes are
      disabled until the connection is back.
    </div>
  );
}
