import fastJson from 'fast-json-stringify';
import type { z } from 'zod';
import { successEnvelopeSchema } from '../protocol/envelope.ts';
import { toSchema } from '../protocol/openapi-schema.ts';
import type { JsonSchema } from '../protocol/openapi-types.ts';

/** Writes one success envelope as JSON: only the fields its schema declares, in its order. */
export type EnvelopeSerializer = (envelope: unknown) => string;

function isNullType(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as JsonSchema).type === 'null';
}

/**
 * Rewrites `anyOf: [{ type: T, … }, { type: 'null' }]` (Zod's nullable with checks) as
 * `type: [T, 'null']`, everywhere in a schema. Both describe the same JSON; fast-json-stringify
 * writes the second directly, while for `anyOf` it runs a validator on every value to pick a branch.
 */
export function nullableAsTypeList(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableAsTypeList);
  if (typeof schema !== 'object' || schema === null) return schema;
  const rewritten = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, nullableAsTypeList(value)]),
  ) as JsonSchema;
  const branches = rewritten.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return rewritten;
  const other = branches.find((branch) => !isNullType(branch)) as JsonSchema | undefined;
  if (other === undefined || !branches.some(isNullType) || typeof other.type !== 'string') return rewritten;
  const { anyOf: _anyOf, ...rest } = rewritten;
  return { ...rest, ...other, type: [other.type, 'null'] };
}

/**
 * Compiles the serializer of a route's success envelope from its data schema, with
 * fast-json-stringify (Fastify's own serializer) over the same JSON Schema OpenAPI publishes.
 * A field the schema does not declare is never written, so nothing undeclared can leak; values
 * are not checked (Zod does that outside production, see `routes.ts`).
 */
export function compileEnvelopeSerializer(data: z.ZodType): EnvelopeSerializer {
  const schema = nullableAsTypeList(toSchema(successEnvelopeSchema(data), 'output'));
  return fastJson(schema as Parameters<typeof fastJson>[0]);
}
