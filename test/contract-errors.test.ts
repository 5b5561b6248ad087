import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceDocument } from '../src/app/app.ts';
import { errorVariants, variantForStatus } from '../src/client/errors.ts';
import { toResult } from '../src/client/response.ts';
import { type ErrorCode, errorCatalogue, errorCodes } from '../src/protocol/errors.ts';
import { type JsonSchema, type OpenApiResponse, resolveReference } from '../src/protocol/openapi.ts';

/** Every error code the OpenAPI document lists, with the status of the response it is listed under. */
function documentedCodes(): { code: string; status: number; where: string }[] {
  const document = referenceDocument();
  const found: { code: string; status: number; where: string }[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, value] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const response = resolveReference<OpenApiResponse>(document, value);
        const schema = response.content?.['application/json'].schema as JsonSchema;
        const error = (schema.properties as Record<string, JsonSchema>).error as JsonSchema;
        const code = (error.properties as Record<string, JsonSchema>).code as JsonSchema;
        assert.ok(Array.isArray(code.enum), `${method} ${path} ${status} lists its codes`);
        for (const listed of code.enum as string[]) {
          found.push({
            code: listed,
            status: Number(status),
            where: `${method.toUpperCase()} ${path} ${status}`,
          });
        }
      }
    }
  }
  return found;
}

test('the OpenAPI document lists only catalogue codes, each under its catalogue status', () => {
  const found = documentedCodes();
  assert.ok(found.length > 0);
  for (const { code, status, where } of found) {
    assert.ok(Object.hasOwn(errorCatalogue, code), `${where}: ${code} is not in the catalogue`);
    assert.equal(errorCatalogue[code as ErrorCode].status, status, `${where}: ${code}`);
  }
  const examples = referenceDocument().components.examples;
  for (const [code, example] of Object.entries(examples)) {
    const value = example.value as { error: { code: string; message: string } };
    assert.equal(value.error.code, code);
    assert.equal(value.error.message, errorCatalogue[code as ErrorCode].message);
  }
});

test('the client maps exactly the catalogue codes, each to the variant of its status', () => {
  assert.deepEqual(Object.keys(errorVariants).sort(), [...errorCodes].sort());
  for (const code of errorCodes) {
    assert.equal(errorVariants[code], variantForStatus(errorCatalogue[code].status), code);
  }
});

test('every code the document lists becomes its variant in the client, code kept', () => {
  const codes = new Set(documentedCodes().map(({ code }) => code as ErrorCode));
  for (const code of [...codes, ...errorCodes]) {
    const { status, message } = errorCatalogue[code];
    const response = { status, headers: new Headers({ 'retry-after': '1' }), text: async () => '' };
    const body = { success: false, error: { code, message }, meta: { requestId: 'r', timestamp: 't' } };
    const result = toResult(response, body, true, 0);
    assert.equal(result.kind, errorVariants[code], code);
    assert.ok('code' in result && result.code === code, code);
  }
});
