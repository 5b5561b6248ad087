import { render } from 'preact';
import { loadOpenApiDocument, type OpenApiPaths } from '../../src/client/index.ts';
import { apiBase, authOperations, call, initClient } from './api.ts';
import { App } from './app.tsx';
import { readContract } from './contract.ts';
import type { Me } from './session.ts';

performance.mark('console:start');
const root = document.getElementById('app') as HTMLElement;

function fatal(state: 'offline' | 'serverError', message: string): void {
  root.innerHTML = '';
  const main = document.createElement('main');
  main.className = 'view';
  main.dataset.state = state;
  const heading = document.createElement('h1');
  heading.textContent = state === 'offline' ? 'You are offline' : 'The API cannot be reached';
  const text = document.createElement('p');
  text.textContent = message;
  const retry = document.createElement('button');
  retry.type = 'button';
  retry.textContent = 'Retry';
  retry.addEventListener('click', () => location.reload());
  main.append(heading, text, retry);
  root.append(main);
  retry.focus();
}

async function start(): Promise<void> {
  // The client's routes come from the document, so nothing can be called before it is read.
  const document = await loadOpenApiDocument({ baseUrl: apiBase });
  if (document.kind !== 'success') {
    fatal(
      document.kind,
      document.kind === 'offline'
        ? 'The console needs the network to start.'
        : `The API answered ${document.status}.`,
    );
    return;
  }
  initClient(document.document as unknown as OpenApiPaths);
  const me = await call(authOperations.me);
  render(
    <App contract={readContract(document.document)} me={me.kind === 'success' ? (me.data as Me) : null} />,
    root,
  );
}

start().catch((error: unknown) => fatal('serverError', String(error)));
