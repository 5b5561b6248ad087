import type { FetchLike } from './client.ts';

/** Where the server publishes its OpenAPI document. */
export const OPENAPI_DOCUMENT_PATH = '/api/openapi.json';

/** The OpenAPI document, or why it could not be read. */
export type DocumentResult =
  | { kind: 'success'; document: Record<string, unknown> }
  | { kind: 'serverError'; status: number }
  | { kind: 'offline' };

/**
 * Reads the server's OpenAPI document, which is served raw (not in the envelope), so a generic
 * front end can discover the operations at run time and call them with `client.request`.
 */
export async function loadOpenApiDocument(
  options: { baseUrl?: string; fetch?: FetchLike; signal?: AbortSignal } = {},
): Promise<DocumentResult> {
  const fetchResponse: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetchResponse(`${options.baseUrl ?? ''}${OPENAPI_DOCUMENT_PATH}`, {
      method: 'GET',
      headers: { Accept: 'application/json' },
      credentials: 'include',
      signal: options.signal,
    });
  } catch (error) {
    // fetch rejects with a TypeError when there is no response at all.
    if (error instanceof TypeError) return { kind: 'offline' };
    throw error;
  }
  if (response.status !== 200) return { kind: 'serverError', status: response.status };
  try {
    const document: unknown = JSON.parse(await response.text());
    if (typeof document !== 'object' || document === null || !('paths' in document)) {
      return { kind: 'serverError', status: response.status };
    }
    return { kind: 'success', document: document as Record<string, unknown> };
  } catch {
    return { kind: 'serverError', status: response.status };
  }
}
