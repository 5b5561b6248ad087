import { useState } from 'preact/hooks';
import type { AnyResult } from '../../../src/client/index.ts';
import { call } from '../api.ts';
import { OfflineBanner, ResultPanel, Skeleton, View } from '../components.tsx';
import { type Contract, labelOf } from '../contract.ts';
import { bodyOf, fieldsOf, SchemaForm, valuesOf } from '../form.tsx';
import { navigate, paths } from '../router.ts';
import { mayChange, useSession } from '../session.ts';
import { stateOf } from '../state.ts';
import { handleCommon, useLoad } from '../use-load.ts';

const nothing: AnyResult = {
  kind: 'notFound',
  status: 404,
  code: null,
  message: 'No such form',
  details: {},
  requestId: null,
};

/** The create form of a resource (nested under a parent item when the operation is). */
export function CreateView(props: {
  contract: Contract;
  resource: string;
  parent?: { resource: string; id: string };
}) {
  const { contract, resource, parent } = props;
  const operation = parent
    ? contract.resources[parent.resource]?.children[resource]?.create
    : contract.resources[resource]?.operations.create;
  const fields = fieldsOf(operation?.body ?? null);
  const [result, setResult] = useState<AnyResult | null>(operation ? null : nothing);
  const [busy, setBusy] = useState(false);
  const singular = resource.replace(/s$/, '');
  const state = result ? stateOf(result) : 'success';
  return (
    <View state={state} title={`New ${singular}`}>
      <OfflineBanner />
      {operation ? (
        <SchemaForm
          fields={fields}
          initial={valuesOf(fields, null)}
          submitLabel={`Create ${singular}`}
          result={result}
          busy={busy}
          onSubmit={async (values) => {
            setBusy(true);
            const answer = await call(operation, {
              params: parent ? { id: parent.id } : {},
              body: bodyOf(fields, values, false),
            });
            setBusy(false);
            handleCommon(answer);
            if (answer.kind === 'created' || answer.kind === 'success') {
              const id = String((answer.data as { id?: unknown }).id ?? '');
              navigate(id ? paths.detail(resource, id) : paths.list(resource), {
                flash: { state: 'created', message: `The ${singular} was created.` },
              });
              return;
            }
            setResult(answer);
          }}
        />
      ) : (
        <ResultPanel result={nothing} onRetry={() => {}} what="form" />
      )}
    </View>
  );
}

/** The edit form of an item; the forbidden state when the caller may not change it. */
export function EditView(props: { contract: Contract; resource: string; id: string }) {
  const { me } = useSession();
  const { contract, resource, id } = props;
  const definition = contract.resources[resource];
  const get = definition?.operations.get;
  const update = definition?.operations.update ?? definition?.operations.replace;
  const loaded = useLoad(`edit:${resource}/${id}`, (signal) =>
    get && update ? call(get, { params: { id }, signal }) : Promise.resolve(nothing),
  );
  const [result, setResult] = useState<AnyResult | null>(null);
  const [busy, setBusy] = useState(false);
  const singular = resource.replace(/s$/, '');
  const fields = fieldsOf(update?.body ?? null);
  const item = loaded.result?.kind === 'success' ? (loaded.result.data as Record<string, unknown>) : null;
  const cached = loaded.result?.kind === 'offline' ? loaded.result.cached : null;
  const forbidden: AnyResult | null =
    item && !mayChange(me, item, resource)
      ? {
          kind: 'forbidden',
          status: 403,
          code: 'FORBIDDEN',
          message: `You may not change this ${singular}.`,
          details: {},
          requestId: null,
        }
      : null;
  const state = stateOf(forbidden ?? result ?? loaded.result);
  const source = item ?? (cached?.data as Record<string, unknown> | undefined) ?? null;
  return (
    <View state={loaded.result?.kind === 'offline' && cached ? 'offline' : state} title={`Edit ${singular}`}>
      <OfflineBanner {...(cached ? { receivedAt: cached.receivedAt } : {})} />
      {forbidden ? (
        <ResultPanel result={forbidden} onRetry={loaded.reload} what={singular} />
      ) : source && update ? (
        <SchemaForm
          fields={fields}
          initial={valuesOf(fields, source)}
          submitLabel="Save"
          result={result}
          busy={busy}
          onSubmit={async (values) => {
            setBusy(true);
            const answer = await call(update, { params: { id }, body: bodyOf(fields, values, true) });
            setBusy(false);
            handleCommon(answer);
            if (answer.kind === 'success' || answer.kind === 'noContent') {
              navigate(paths.detail(resource, id), { flash: { state: 'success', message: 'Saved.' } });
              return;
            }
            setResult(answer);
          }}
        >
          <a href={paths.detail(resource, id)}>Cancel</a>
        </SchemaForm>
      ) : loaded.result ? (
        <ResultPanel result={loaded.result} onRetry={loaded.reload} what={labelOf(singular).toLowerCase()} />
      ) : (
        <Skeleton />
      )}
    </View>
  );
}
