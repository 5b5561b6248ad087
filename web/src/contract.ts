import type { OperationLocation } from './api.ts';

/** A JSON schema, as far as the console reads it. */
export interface Schema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  description?: string;
  $ref?: string;
}

/** What a resource operation does, from its `x-tenet-resource`. */
export type Action = 'list' | 'get' | 'create' | 'update' | 'replace' | 'delete' | 'restore';

/** A query parameter of an operation. */
export interface QueryParameter {
  name: string;
  schema: Schema;
  required: boolean;
}

/** One operation of the document, ready to call. */
export interface Operation extends OperationLocation {
  operationId: string;
  summary: string;
  action?: Action;
  resource?: string;
  parent?: string;
  query: QueryParameter[];
  body: Schema | null;
  /** The schema of `data` in the success answer. */
  data: Schema | null;
}

/** A resource and its operations; `children` are collections nested under one of its items. */
export interface Resource {
  name: string;
  operations: Partial<Record<Action, Operation>>;
  children: Record<string, Partial<Record<Action, Operation>>>;
}

/** Everything the console derives from the document. */
export interface Contract {
  title: string;
  resources: Record<string, Resource>;
  operations: Record<string, Operation>;
}

type Json = Record<string, unknown>;

function resolve(document: Json, schema: unknown, depth = 0): Schema {
  if (!schema || typeof schema !== 'object' || depth > 20) return {};
  const ref = (schema as Schema).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let target: unknown = document;
    for (const part of ref.slice(2).split('/')) target = (target as Json | undefined)?.[part];
    return resolve(document, target, depth + 1);
  }
  return schema as Schema;
}

function jsonSchemaOf(document: Json, content: unknown): Schema | null {
  const schema = (content as { 'application/json'?: { schema?: unknown } } | undefined)?.['application/json']
    ?.schema;
  return schema ? resolve(document, schema) : null;
}

/** Returns the non-null member of a nullable schema (`anyOf: [X, null]`), or the schema itself. */
export function nonNull(schema: Schema): Schema {
  const members = schema.anyOf ?? schema.oneOf;
  if (!members) return schema;
  return members.find((member) => member.type !== 'null') ?? schema;
}

/** Whether a schema accepts null. */
export function isNullable(schema: Schema): boolean {
  return Boolean((schema.anyOf ?? schema.oneOf)?.some((member) => member.type === 'null'));
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Reads the resources and operations out of an OpenAPI document. */
export function readContract(document: Json): Contract {
  const resources: Record<string, Resource> = {};
  const operations: Record<string, Operation> = {};
  const resourceOf = (name: string): Resource => {
    resources[name] ??= { name, operations: {}, children: {} };
    return resources[name];
  };
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const raw = item[method] as Json | undefined;
      if (!raw || typeof raw.operationId !== 'string') continue;
      const tag = raw['x-tenet-resource'] as { name?: string; action?: Action; parent?: string } | undefined;
      const parameters = ((raw.parameters ?? []) as unknown[]).map((parameter) =>
        resolve(document, parameter),
      ) as unknown as { name?: string; in?: string; required?: boolean; schema?: unknown }[];
      const success =
        (raw.responses as Json | undefined)?.['200'] ?? (raw.responses as Json | undefined)?.['201'];
      const envelope = jsonSchemaOf(document, (resolve(document, success) as Json).content);
      const operation: Operation = {
        method: method.toUpperCase(),
        path: path.replace(/\{([^}/]+)\}/g, ':$1'),
        operationId: raw.operationId,
        summary: typeof raw.summary === 'string' ? raw.summary : raw.operationId,
        ...(tag?.action ? { action: tag.action } : {}),
        ...(tag?.name ? { resource: tag.name } : {}),
        ...(tag?.parent ? { parent: tag.parent } : {}),
        query: parameters
          .filter((parameter) => parameter.in === 'query' && typeof parameter.name === 'string')
          .map((parameter) => ({
            name: String(parameter.name),
            schema: resolve(document, parameter.schema),
            required: parameter.required === true,
          })),
        body: jsonSchemaOf(document, (resolve(document, raw.requestBody) as Json).content),
        data: envelope?.properties?.data ? resolve(document, envelope.properties.data) : null,
      };
      operations[operation.operationId] = operation;
      if (!tag?.name || !tag.action) continue;
      if (tag.parent) {
        const parent = resourceOf(tag.parent);
        parent.children[tag.name] ??= {};
        (parent.children[tag.name] as Partial<Record<Action, Operation>>)[tag.action] = operation;
        resourceOf(tag.name);
      } else {
        resourceOf(tag.name).operations[tag.action] = operation;
      }
    }
  }
  const info = document.info as { title?: string } | undefined;
  return { title: info?.title ?? 'API', resources, operations };
}

/** The schema of one item of a list or get answer. */
export function itemSchema(operation: Operation | undefined): Schema | null {
  const data = operation?.data;
  if (!data) return null;
  const items = data.properties?.items;
  if (operation?.action === 'list' && items?.items) return items.items;
  return data;
}

/** The list query's standard parameters; the others are filters. */
export const PAGING_PARAMETERS = [
  'page',
  'pageSize',
  'sortBy',
  'sortOrder',
  'search',
  'includeDeleted',
  'count',
  'cursor',
];

/** "displayName" -> "Display name". */
export function labelOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The field that names an item best: a title, a name or an e-mail, else its id. */
export function titleField(schema: Schema | null): string {
  const names = Object.keys(schema?.properties ?? {});
  return (
    ['title', 'displayName', 'name', 'email', 'label'].find((name) => names.includes(name)) ??
    names.find((name) => name !== 'id' && nonNull(schema?.properties?.[name] ?? {}).type === 'string') ??
    'id'
  );
}
