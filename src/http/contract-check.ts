import type { Contract } from '../protocol/contract.ts';
import type { RouteHandler, RouteImplementation } from '../protocol/handler.ts';

/**
 * Pairs each route of a contract with its handler, by name. The types already refuse a missing or
 * extra handler; this refuses it at start too (an app assembled from plain objects or JavaScript),
 * naming every culprit.
 */
export function pairImplementations(
  contract: Contract,
  implementations: Readonly<Record<string, unknown>>,
): RouteImplementation[] {
  const names = new Set(Object.keys(contract));
  const missing = [...names].filter((name) => typeof implementations[name] !== 'function');
  const extra = Object.keys(implementations).filter((name) => !names.has(name));
  const problems = [
    ...missing.map((name) => `route "${name}" has no handler`),
    ...extra.map((name) => `handler "${name}" has no route in the contract`),
  ];
  if (problems.length > 0)
    throw new Error(`The app's implementations do not match its contract: ${problems.join('; ')}`);
  return Object.entries(contract).map(([name, route]) => ({
    route,
    handler: implementations[name] as RouteHandler<typeof route>,
  })) as RouteImplementation[];
}
