import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';

/** One operation of an OpenAPI document, as the check uses it. */
export interface Operation {
  method: string;
  /** The path template, `/api/users/{id}`. */
  path: string;
  operationId: string | undefined;
  /** `x-tenet-resource` when the document carries it. */
  resource: { name: string; action: string; parent?: string } | undefined;
  /** Query parameters by name, with their schema. */
  query: Map<string, Record<string, unknown>>;
  /** Whether it declares a security requirement that cannot be met anonymously. */
  requiresAuth: boolean;
  pattern: RegExp;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const DOCUMENT_ID = 'https://tenet-check.invalid/openapi.json';

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function templatePattern(path: string): RegExp {
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** What validating an answer against the document gave. */
export type SchemaVerdict =
  | { kind: 'valid' }
  | { kind: 'invalid'; errors: string[] }
  | { kind: 'undocumented'; status: number }
  | { kind: 'no-operation' };

/**
 * An API's OpenAPI document (3.0 or 3.1), read for its operations and used to validate every answer
 * against the response schema of its operation and status (3.1 schemas are JSON Schema 2020-12).
 */
export class OpenApiDocument {
  readonly operations: Operation[];
  readonly #document: Json;
  readonly #ajv: Ajv;
  readonly #validators = new Map<string, ValidateFunction | null>();

  constructor(document: Json) {
    this.#document = document;
    const is31 = typeof document.openapi === 'string' && document.openapi.startsWith('3.1');
    // OpenAPI adds keywords (example, discriminator, xml) that are not JSON Schema: not strict.
    const options = {
      strict: false,
      allErrors: true,
      validateFormats: false,
      validateSchema: false,
      logger: false,
    } as const;
    this.#ajv = is31 ? new Ajv2020(options) : new Ajv(options);
    this.#ajv.addSchema(document, DOCUMENT_ID);
    this.operations = [];
    const paths = isRecord(document.paths) ? document.paths : {};
    // Literal paths first, so /api/users/me wins over /api/users/{id}.
    const ordered = Object.keys(paths).sort(
      (a, b) => a.split('{').length - b.split('{').length || a.localeCompare(b),
    );
    for (const path of ordered) {
      const item = paths[path];
      if (!isRecord(item)) continue;
      for (const method of METHODS) {
        const operation = item[method];
        if (!isRecord(operation)) continue;
        const query = new Map<string, Json>();
        const parameters = [
          ...(Array.isArray(item.parameters) ? item.parameters : []),
          ...(Array.isArray(operation.parameters) ? operation.parameters : []),
        ];
        for (const parameter of parameters.map((p) => this.#resolve(p))) {
          if (isRecord(parameter) && parameter.in === 'query' && typeof parameter.name === 'string')
            query.set(parameter.name, isRecord(parameter.schema) ? parameter.schema : {});
        }
        const security = Array.isArray(operation.security) ? operation.security : document.security;
        const requiresAuth =
          Array.isArray(security) &&
          security.length > 0 &&
          security.every((requirement) => isRecord(requirement) && Object.keys(requirement).length > 0);
        const resource = operation['x-tenet-resource'];
        this.operations.push({
          method: method.toUpperCase(),
          path,
          operationId: typeof operation.operationId === 'string' ? operation.operationId : undefined,
          resource:
            isRecord(resource) && typeof resource.name === 'string' && typeof resource.action === 'string'
              ? (resource as Operation['resource'])
              : undefined,
          query,
          requiresAuth,
          pattern: templatePattern(path),
        });
      }
    }
  }

  /** The operation a method and concrete path (without query) belong to, if any. */
  find(method: string, path: string): Operation | undefined {
    return this.operations.find((operation) => operation.method === method && operation.pattern.test(path));
  }

  /** Whether any operation has this path (whatever its method). */
  hasPath(path: string): Operation[] {
    return this.operations.filter((operation) => operation.pattern.test(path));
  }

  /** Validates an answer against its operation's declared response for that status. */
  validate(method: string, path: string, status: number, body: unknown, hasBody: boolean): SchemaVerdict {
    const operation = this.find(method, path);
    if (!operation) return { kind: 'no-operation' };
    const responses = this.#resolve((this.#operationObject(operation) as { responses?: unknown }).responses);
    if (!isRecord(responses)) return { kind: 'undocumented', status };
    const key = [String(status), `${String(status)[0]}XX`, `${String(status)[0]}xx`, 'default'].find(
      (k) => k in responses,
    );
    if (key === undefined) return { kind: 'undocumented', status };
    const response = this.#resolve(responses[key]);
    const content = isRecord(response) && isRecord(response.content) ? response.content : undefined;
    const mediaKey = content ? Object.keys(content).find((type) => /json/i.test(type)) : undefined;
    if (!content || mediaKey === undefined) {
      return hasBody
        ? { kind: 'invalid', errors: ['a body where the document declares none'] }
        : { kind: 'valid' };
    }
    const validator = this.#validator(operation, key, mediaKey);
    if (!validator) return { kind: 'valid' };
    if (validator(body)) return { kind: 'valid' };
    return {
      kind: 'invalid',
      errors: (validator.errors ?? [])
        .slice(0, 3)
        .map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`),
    };
  }

  #operationObject(operation: Operation): Json {
    const paths = this.#document.paths as Json;
    return (paths[operation.path] as Json)[operation.method.toLowerCase()] as Json;
  }

  #validator(operation: Operation, statusKey: string, mediaKey: string): ValidateFunction | null {
    const id = `${operation.method} ${operation.path} ${statusKey}`;
    if (this.#validators.has(id)) return this.#validators.get(id) ?? null;
    const responses = (this.#operationObject(operation) as { responses: Json }).responses;
    let pointer: string;
    const response = responses[statusKey];
    if (isRecord(response) && typeof response.$ref === 'string' && response.$ref.startsWith('#/')) {
      pointer = `${response.$ref}/content/${escapePointer(mediaKey)}/schema`;
    } else {
      pointer = `#/paths/${escapePointer(operation.path)}/${operation.method.toLowerCase()}/responses/${escapePointer(statusKey)}/content/${escapePointer(mediaKey)}/schema`;
    }
    let validator: ValidateFunction | null = null;
    try {
      validator = this.#ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
    } catch {
      // A schema the validator cannot compile is not the API's breach; it is skipped.
      validator = null;
    }
    this.#validators.set(id, validator);
    return validator;
  }

  #resolve(value: unknown, depth = 0): unknown {
    if (!isRecord(value) || typeof value.$ref !== 'string' || !value.$ref.startsWith('#/') || depth > 10)
      return value;
    let target: unknown = this.#document;
    for (const segment of value.$ref.slice(2).split('/')) {
      const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
      target = isRecord(target) ? target[key] : undefined;
    }
    return this.#resolve(target, depth + 1);
  }
}

/** Whether a parsed body looks like an OpenAPI 3 document. */
export function isOpenApiDocument(value: unknown): value is Json {
  return (
    isRecord(value) &&
    typeof value.openapi === 'string' &&
    value.openapi.startsWith('3.') &&
    isRecord(value.paths)
  );
}
