import packageJson from '../../package.json' with { type: 'json' };
import type { Contract } from '../protocol/contract.ts';
import { createOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from '../protocol/openapi.ts';

const DESCRIPTION = `The Backend Systems Protocols, made executable.

**Envelope.** Every response with a body is \`{ success, data | error, meta }\`; \`meta.requestId\` equals
the \`X-Request-Id\` response header. A 204 has no body. This document and \`/docs\` are not enveloped.

**Errors.** \`error.code\` is a stable UPPER_SNAKE code; each response below lists the codes it can carry.
\`details\` maps a camelCase field path to messages. An unknown path answers 404 \`NOT_FOUND\`; a known
path with a method it does not declare answers 405 \`METHOD_NOT_ALLOWED\` with an \`Allow\` header.

**Authentication.** \`POST /api/auth/login\` sets the \`access_token\`, \`refresh_token\` and \`csrf_token\`
cookies. On 401 \`TOKEN_EXPIRED\`, call \`POST /api/auth/refresh\` once and retry. Writes that carry an
auth cookie send the \`csrf_token\` cookie's value as \`X-CSRF-Token\`.

**Retrying.** 429 and 503 carry \`Retry-After\` (seconds).`;

/** The default `info` of an app's document: tenet's name, version and license, and the protocol's rules. */
export const defaultApiInfo: OpenApiInfo = {
  title: 'tenet API',
  version: packageJson.version,
  description: DESCRIPTION,
  license: { name: `${packageJson.license} License`, identifier: packageJson.license },
};

/** The OpenAPI document of an app's contract: `info` over the defaults, a description per tag. */
export function appDocument(
  contract: Contract,
  options: { info?: Partial<OpenApiInfo>; tagDescriptions?: Readonly<Record<string, string>> } = {},
): OpenApiDocument {
  return createOpenApiDocument({
    info: { ...defaultApiInfo, ...options.info },
    routes: contract,
    tagDescriptions: options.tagDescriptions,
  });
}
