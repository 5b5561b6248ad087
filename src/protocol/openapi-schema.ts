import { z } from 'zod';
import { failureEnvelopeSchema, metaSchema } from './envelope.ts';
import type { JsonSchema } from './openapi-types.ts';

/**
 * Converts a Zod schema to JSON Schema 2020-12 (the dialect of OpenAPI 3.1). Request parts use the
 * input side (what a client sends, before defaults and transforms), responses the output side.
 * Integers get `format` int32 or int64 from their bounds, so the size is stated, not guessed.
 */
export function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'throw',
    cycles: 'throw',
    reused: 'inline',
    override: ({ jsonSchema }) => {
      if (jsonSchema.type !== 'integer' || jsonSchema.format !== undefined) return;
      const fits32 =
        typeof jsonSchema.minimum === 'number' &&
        typeof jsonSchema.maximum === 'number' &&
        jsonSchema.minimum >= -(2 ** 31) &&
        jsonSchema.maximum <= 2 ** 31 - 1;
      jsonSchema.format = fits32 ? 'int32' : 'int64';
    },
  }) as JsonSchema;
  if ('$defs' in json) {
    // `$defs` refs would resolve against the document root once embedded; the contract has no ids.
    throw new Error('A contract schema has an id or a cycle; OpenAPI generation inlines every schema');
  }
  const { $schema: _dialect, ...rest } = json;
  return rest;
}

/** The X-Request-Id a client may send: echoed when well-formed (see `protocol/request-id.ts`). */
export const requestIdHeaderSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]{1,128}$/);

/** The X-CSRF-Token header: the `csrf_token` cookie's value (base64url nonce, a dot, base64url HMAC). */
export const csrfHeaderSchema = z
  .string()
  .min(3)
  .max(256)
  .regex(/^[A-Za-z0-9_-]{1,127}\.[A-Za-z0-9_-]{1,127}$/);

/** Seconds to wait before retrying, as `Retry-After` carries them. */
export const retryAfterSchema = z.int32().min(0);

/** An entity tag as `ETag` carries it: a quoted strong tag. */
export const etagHeaderSchema = z
  .string()
  .max(128)
  .regex(/^"[\x21\x23-\x7E]{1,126}"$/);

/** `If-Match`: `*`, or one or more entity tags separated by commas. */
export const ifMatchHeaderSchema = z.string().min(1).max(1024);

/** `Location`: the path of a created item. */
export const locationHeaderSchema = z.string().max(2048).regex(/^\//);

/** One `Set-Cookie` header: a name=value pair and its attributes. */
export const setCookieHeaderSchema = z.string().max(4096);

/** `Allow`: the methods a path supports, comma-separated. */
export const allowHeaderSchema = z
  .string()
  .max(64)
  .regex(/^[A-Z]+(, [A-Z]+)*$/);

/** The envelope parts every response shares, as components: `meta` and the error `details`. */
export const sharedSchemas = {
  Meta: toSchema(metaSchema, 'output'),
  ErrorDetails: toSchema(failureEnvelopeSchema.shape.error.shape.details.unwrap(), 'output'),
} as const;

function replaceShared(schema: unknown, name: keyof typeof sharedSchemas): JsonSchema {
  // Only a part equal to the component is replaced: an envelope that changed shape fails loudly.
  if (JSON.stringify(schema) !== JSON.stringify(sharedSchemas[name])) {
    throw new Error(`The envelope's ${name} no longer matches its component`);
  }
  return { $ref: `#/components/schemas/${name}` };
}

/** Replaces an envelope schema's `meta` (and `error.details`) by references to the shared components. */
export function withSharedParts(envelope: JsonSchema): JsonSchema {
  const properties = envelope.properties as Record<string, JsonSchema>;
  const result: Record<string, JsonSchema> = { ...properties, meta: replaceShared(properties.meta, 'Meta') };
  const error = properties.error;
  if (error) {
    const errorProperties = error.properties as Record<string, JsonSchema>;
    result.error = {
      ...error,
      properties: { ...errorProperties, details: replaceShared(errorProperties.details, 'ErrorDetails') },
    };
  }
  return { ...envelope, properties: result };
}
