import type { AnyResult } from '../../src/client/index.ts';

/** The rows of the state matrix, as each view's root `data-state`. */
export type ViewState =
  | 'loading'
  | 'success'
  | 'empty'
  | 'created'
  | 'noContent'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'serverError'
  | 'offline'
  | 'rateLimited';

/** The matrix row for a result (409 shows as a validation error on the field it names). */
export function stateOf(result: AnyResult | null): ViewState {
  if (!result) return 'loading';
  return result.kind === 'conflict' ? 'validation' : result.kind;
}

/** Seconds to wait, from a 429 or 503 answer's `Retry-After`. */
export function retryAfterOf(result: AnyResult | null): number | null {
  if (result?.kind === 'rateLimited' || result?.kind === 'serverError') return result.retryAfter;
  return null;
}
