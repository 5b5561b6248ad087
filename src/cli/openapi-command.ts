import { apiDocument } from '../http/docs-document.ts';
import type { CliOutput } from './main.ts';

/** `tenet openapi`: prints the OpenAPI document generated from the contract, as JSON, on stdout. */
export function openapiCommand(args: readonly string[], output: CliOutput): number {
  if (args.length > 0) {
    output.error(`tenet openapi: unknown argument "${args[0]}"\nUsage: tenet openapi`);
    return 2;
  }
  output.out(JSON.stringify(apiDocument(), null, 2));
  return 0;
}
