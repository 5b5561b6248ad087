import { referenceDocument } from '../app/app.ts';
import type { AnyAppModule } from '../kit/module.ts';
import type { CliOutput } from './main.ts';

/** `tenet openapi`: prints the OpenAPI document generated from the app's contract, as JSON, on stdout. */
export function openapiCommand(
  args: readonly string[],
  output: CliOutput,
  modules: readonly AnyAppModule[] = [],
): number {
  if (args.length > 0) {
    output.error(`tenet openapi: unknown argument "${args[0]}"\nUsage: tenet openapi`);
    return 2;
  }
  output.out(JSON.stringify(referenceDocument(modules), null, 2));
  return 0;
}
