import { useState } from 'preact/hooks';
import type { AnyResult } from '../../../src/client/index.ts';
import { call } from '../api.ts';
import { OfflineBanner, ResultPanel, View } from '../components.tsx';
import { type Contract, labelOf, titleField } from '../contract.ts';
import { type Flash, navigate, paths } from '../router.ts';
import { mayChange, useSession } from '../session.ts';
import { stateOf } from '../state.ts';
import { handleCommon, useLoad } from '../use-load.ts';
import { display } from './list.tsx';

const notDeclared: AnyResult = {
  kind: 'notFound',
  status: 404,
  code: null,
  message: 'No such resource',
  details: {},
  requestId: null,
};

/** Where an item's list is: its own, or its parent's nested one (`/users/:userId/posts`), else the start. */
function listPath(contract: Contract, resource: string, item: Record<string, unknown> | null): string {
  if (contract.resources[resource]?.operations.list) return paths.list(resource);
  for (const parent of Object.values(contract.resources)) {
    const parentId = item?.[`${parent.name.replace(/s$/, '')}Id`];
    if (parent.children[resource]?.list && typeof parentId === 'string') {
      return paths.nested(parent.name, parentId, resource);
    }
  }
  return '/';
}

/** One item: its fields, its nested collections, edit, delete and restore. */
export function DetailView(props: { contract: Contract; resource: string; id: string; flash: Flash }) {
  const { me, online } = useSession();
  const { contract, resource, id } = props;
  const definition = contract.resources[resource];
  const get = definition?.operations.get;
  const { result, reload } = useLoad(`${resource}/${id}`, (signal) =>
    get ? call(get, { params: { id }, signal }) : Promise.resolve(notDeclared),
  );
  const [write, setWrite] = useState<AnyResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const singular = resource.replace(/s$/, '');

  const item =
    result?.kind === 'success'
      ? (result.data as Record<string, unknown>)
      : result?.kind === 'offline' && result.cached
        ? (result.cached.data as Record<string, unknown>)
        : null;
  let state = stateOf(write && write.kind !== 'success' && write.kind !== 'noContent' ? write : result);
  if (props.flash && state === 'success') state = props.flash.state;
  if (!online && item) state = 'offline';
  const title = item
    ? `${labelOf(singular)}: ${display(item[titleField(get?.data ?? null)])}`
    : labelOf(singular);
  const canChange = mayChange(me, item, resource);
  const update = definition?.operations.update ?? definition?.operations.replace;
  const remove = definition?.operations.delete;
  const restore = definition?.operations.restore;

  const doDelete = async () => {
    if (!remove) return;
    const answer = await call(remove, { params: { id } });
    handleCommon(answer);
    setConfirming(false);
    if (answer.kind === 'noContent' || answer.kind === 'success') {
      navigate(listPath(contract, resource, item), {
        flash: { state: 'noContent', message: `The ${singular} was deleted.` },
      });
      return;
    }
    setWrite(answer);
  };
  const doRestore = async () => {
    if (!restore) return;
    const answer = await call(restore, { params: { id } });
    handleCommon(answer);
    setWrite(answer);
    if (answer.kind === 'success' || answer.kind === 'noContent') reload();
  };

  return (
    <View state={state} title={title}>
      {result?.kind === 'offline' && result.cached ? (
        <OfflineBanner receivedAt={result.cached.receivedAt} />
      ) : (
        <OfflineBanner />
      )}
      {props.flash ? (
        <p class="toast" role="status">
          {props.flash.message}
        </p>
      ) : null}
      {write && write.kind !== 'success' && write.kind !== 'noContent' ? (
        <ResultPanel result={write} onRetry={() => setWrite(null)} what={singular} />
      ) : null}
      {item ? (
        <>
          <dl class="fields">
            {Object.entries(item).map(([name, value]) => (
              <div key={name}>
                <dt>{labelOf(name)}</dt>
                <dd>{display(value)}</dd>
              </div>
            ))}
          </dl>
          <div class="actions">
            <a href={listPath(contract, resource, item)}>Back to the list</a>
            {update && canChange ? (
              <a class="button" href={paths.edit(resource, id)}>
                Edit
              </a>
            ) : null}
            {remove && canChange && !item.deletedAt ? (
              confirming ? (
                <>
                  <button type="button" class="danger" disabled={!online} onClick={doDelete}>
                    Yes, delete this {singular}
                  </button>
                  <button type="button" onClick={() => setConfirming(false)}>
                    Cancel
                  </button>
                </>
              ) : (
                <button type="button" class="danger" disabled={!online} onClick={() => setConfirming(true)}>
                  Delete
                </button>
              )
            ) : null}
            {restore && me?.role === 'admin' && item.deletedAt ? (
              <button type="button" disabled={!online} onClick={doRestore}>
                Restore
              </button>
            ) : null}
          </div>
          {Object.entries(definition?.children ?? {}).map(([child, operations]) =>
            operations.list ? (
              <p key={child}>
                <a href={paths.nested(resource, id, child)}>
                  {labelOf(child)} of this {singular}
                </a>
              </p>
            ) : null,
          )}
        </>
      ) : (
        <ResultPanel result={result} onRetry={reload} what={singular} />
      )}
    </View>
  );
}
