import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AnyResult } from '../../src/client/index.ts';
import { Alert, RetryWait } from './components.tsx';
import { isNullable, labelOf, nonNull, type Schema } from './contract.ts';
import { useSession } from './session.ts';

/** Field values as the inputs hold them. */
export type Values = Record<string, string | boolean>;

/** One input per property of a request body schema. */
export interface Field {
  name: string;
  label: string;
  schema: Schema;
  required: boolean;
  nullable: boolean;
  input: 'text' | 'email' | 'url' | 'password' | 'number' | 'checkbox' | 'select' | 'textarea';
}

/** The form's fields, from a request body schema. */
export function fieldsOf(schema: Schema | null): Field[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => {
    const inner = nonNull(property);
    const type = Array.isArray(inner.type) ? inner.type[0] : inner.type;
    let input: Field['input'] = 'text';
    if (inner.enum) input = 'select';
    else if (type === 'boolean') input = 'checkbox';
    else if (type === 'integer' || type === 'number') input = 'number';
    else if (/password/i.test(name)) input = 'password';
    else if (inner.format === 'email' || name === 'email') input = 'email';
    else if (inner.format === 'uri') input = 'url';
    else if ((inner.maxLength ?? 0) > 500) input = 'textarea';
    return {
      name,
      label: labelOf(name),
      schema: inner,
      required: required.has(name),
      nullable: isNullable(property),
      input,
    };
  });
}

/** Initial values: from an item (edit) or empty (create). */
export function valuesOf(fields: Field[], item: Record<string, unknown> | null): Values {
  const values: Values = {};
  for (const field of fields) {
    const value = item?.[field.name];
    if (field.input === 'checkbox') values[field.name] = value === true;
    else if (field.input === 'password') values[field.name] = '';
    else values[field.name] = value === null || value === undefined ? '' : String(value);
  }
  return values;
}

/** The body to send: empty optional fields are left out (or null, when editing a nullable one). */
export function bodyOf(fields: Field[], values: Values, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.input === 'checkbox') {
      body[field.name] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value : '';
    if (text === '') {
      if (field.required) body[field.name] = '';
      else if (editing && field.nullable) body[field.name] = null;
      continue;
    }
    body[field.name] = field.input === 'number' ? Number(text) : text;
  }
  return body;
}

/** A form for a result-returning write: field errors under their fields, the rest above, focus on the first. */
export function SchemaForm(props: {
  fields: Field[];
  initial: Values;
  submitLabel: string;
  result: AnyResult | null;
  busy: boolean;
  onSubmit: (values: Values) => void;
  children?: ComponentChildren;
}) {
  const { online } = useSession();
  const [values, setValues] = useState<Values>(props.initial);
  const form = useRef<HTMLFormElement>(null);
  const { result } = props;
  const details = result && 'details' in result ? result.details : {};
  const fieldNames = new Set(props.fields.map((field) => field.name));
  const otherErrors = Object.entries(details).filter(([name]) => !fieldNames.has(name));

  useEffect(() => {
    if (!result || !('details' in result)) return;
    const first = props.fields.find((field) => details[field.name]?.length);
    const target = first
      ? form.current?.querySelector<HTMLElement>(`[name="${first.name}"]`)
      : form.current?.querySelector<HTMLElement>('.alert');
    target?.focus();
  }, [result]);

  const problem =
    result &&
    result.kind !== 'success' &&
    result.kind !== 'created' &&
    result.kind !== 'noContent' &&
    result.kind !== 'empty'
      ? result
      : null;
  return (
    <form
      ref={form}
      class="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit(values);
      }}
    >
      {problem && problem.kind !== 'offline' ? (
        <Alert tone="error" focus={Object.keys(details).length === 0}>
          <p>{'message' in problem ? problem.message : 'The request failed.'}</p>
          {otherErrors.length > 0 ? (
            <ul>
              {otherErrors.map(([name, messages]) => (
                <li key={name}>{messages.join(' ')}</li>
              ))}
            </ul>
          ) : null}
          {problem.kind === 'rateLimited' || problem.kind === 'serverError' ? (
            <RetryWait seconds={problem.retryAfter} />
          ) : null}
        </Alert>
      ) : null}
      {problem?.kind === 'offline' ? (
        <Alert tone="warning">
          <p>You are offline: nothing was sent. Try again when the connection is back.</p>
        </Alert>
      ) : null}
      <fieldset disabled={!online || props.busy}>
        {props.fields.map((field) => {
          const errors = details[field.name] ?? [];
          const id = `field-${field.name}`;
          const errorId = `${id}-error`;
          const common = {
            id,
            name: field.name,
            'aria-invalid': errors.length > 0 ? ('true' as const) : undefined,
            'aria-describedby': errors.length > 0 ? errorId : undefined,
            required: field.required,
          };
          const value = values[field.name];
          const set = (next: string | boolean) =>
            setValues((current) => ({ ...current, [field.name]: next }));
          let control: ComponentChildren;
          if (field.input === 'checkbox') {
            control = (
              <input
                {...common}
                type="checkbox"
                checked={value === true}
                onChange={(event) => set(event.currentTarget.checked)}
              />
            );
          } else if (field.input === 'select') {
            control = (
              <select {...common} value={String(value)} onChange={(event) => set(event.currentTarget.value)}>
                <option value="">—</option>
                {(field.schema.enum ?? []).map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </select>
            );
          } else if (field.input === 'textarea') {
            control = (
              <textarea
                {...common}
                rows={6}
                value={String(value)}
                onInput={(event) => set(event.currentTarget.value)}
              />
            );
          } else {
            control = (
              <input
                {...common}
                type={field.input as 'text'}
                value={String(value)}
                autoComplete={
                  field.input === 'password'
                    ? field.name === 'currentPassword'
                      ? 'current-password'
                      : 'new-password'
                    : undefined
                }
                onInput={(event) => set(event.currentTarget.value)}
              />
            );
          }
          return (
            <div class={`field${field.input === 'checkbox' ? ' field-check' : ''}`} key={field.name}>
              <label for={id}>
                {field.label}
                {field.required ? <span aria-hidden="true"> *</span> : null}
              </label>
              {control}
              {errors.length > 0 ? (
                <p class="field-error" id={errorId}>
                  {errors.join(' ')}
                </p>
              ) : null}
            </div>
          );
        })}
        <div class="form-actions">
          <button type="submit" class="primary">
            {props.submitLabel}
          </button>
          {props.children}
        </div>
      </fieldset>
    </form>
  );
}
