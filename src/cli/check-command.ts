import { parseArgs } from 'node:util';
import { type CheckArea, checkAreas, formatReport, runCheck } from '../check/index.ts';
import type { CliOutput } from './main.ts';

const USAGE = `Usage: tenet check <base-url> [--email E --password P | --sign-up] [--json] [--only area,...]
                   [--max-requests N] [--timeout MS]

Probes a running API from outside and reports where it breaks the protocol.
  <base-url>        the API's origin, such as http://127.0.0.1:3000
  --email, --password   sign in as an existing user
  --sign-up         create a user to sign in with; it is deleted at the end
  --json            print the report as JSON
  --only            areas to check: ${checkAreas.join(', ')}
  --max-requests    request budget (default 400)
  --timeout         per request, in milliseconds (default 10000)
Exit codes: 0 clean, 1 a rule failed, 2 usage error.`;

function usage(output: CliOutput, message: string): number {
  output.error(`${message}\n\n${USAGE}`);
  return 2;
}

function positiveInteger(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  return /^\d{1,9}$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}

/** `tenet check`: probes a live API (tenet or not) and prints a report; exit 1 on any failure. */
export async function checkCommand(args: readonly string[], output: CliOutput): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    return usage(output, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.out(USAGE);
    return 0;
  }
  if (positionals.length !== 1) return usage(output, 'Give exactly one base URL.');
  let baseUrl: URL;
  try {
    baseUrl = new URL(positionals[0] as string);
  } catch {
    return usage(output, `Not a URL: ${positionals[0]}`);
  }
  if (
    !['http:', 'https:'].includes(baseUrl.protocol) ||
    baseUrl.pathname !== '/' ||
    baseUrl.search ||
    baseUrl.username
  ) {
    return usage(
      output,
      'The base URL is an http(s) origin, such as http://127.0.0.1:3000 (no path, query or credentials).',
    );
  }
  if (values['sign-up'] && (values.email || values.password))
    return usage(output, 'Use either --sign-up or --email and --password.');
  if ((values.email === undefined) !== (values.password === undefined))
    return usage(output, '--email and --password go together.');
  let areas: CheckArea[] = [...checkAreas];
  if (values.only !== undefined) {
    const asked = values.only
      .split(',')
      .map((area) => area.trim())
      .filter(Boolean);
    const unknown = asked.filter((area) => !(checkAreas as readonly string[]).includes(area));
    if (asked.length === 0 || unknown.length > 0)
      return usage(
        output,
        `Unknown area: ${unknown.join(', ') || '(none)'}. Areas: ${checkAreas.join(', ')}.`,
      );
    areas = asked as CheckArea[];
  }
  const maxRequests = positiveInteger(values['max-requests'], 400);
  const timeoutMs = positiveInteger(values.timeout, 10_000);
  if (maxRequests === undefined) return usage(output, '--max-requests is a positive whole number.');
  if (timeoutMs === undefined) return usage(output, '--timeout is a positive whole number of milliseconds.');
  const report = await runCheck({
    baseUrl,
    credentials:
      values.email && values.password ? { email: values.email, password: values.password } : undefined,
    signUp: values['sign-up'] ?? false,
    areas,
    maxRequests,
    timeoutMs,
  });
  output.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.summary.fail > 0 ? 1 : 0;
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      'sign-up': { type: 'boolean' },
      json: { type: 'boolean' },
      only: { type: 'string' },
      'max-requests': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
