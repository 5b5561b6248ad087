import { checkAreas } from './rules.ts';
import type { CheckReport } from './run-check.ts';

const LABEL = { pass: 'pass', fail: 'FAIL', warn: 'WARN', skip: 'skip' } as const;

/** The text report: a table per area, each rule with pass/fail and its evidence, then a summary. */
export function formatReport(report: CheckReport): string {
  const lines: string[] = [`tenet check ${report.baseUrl}`];
  for (const note of report.notes) lines.push(`  note: ${note}`);
  const width = Math.max(...report.results.map((result) => result.id.length));
  for (const area of [...checkAreas, 'run' as const]) {
    const results = report.results.filter((result) => result.area === area);
    if (results.length === 0) continue;
    lines.push('', area);
    for (const result of results) {
      const [first, ...rest] = result.evidence;
      const evidence = first ? `${first.request}  ${first.seen}` : '';
      lines.push(`  ${LABEL[result.status]}  ${result.id.padEnd(width)}  ${evidence}`);
      const indent = ' '.repeat(width + 10);
      for (const item of rest) lines.push(`${indent}${item.request}  ${item.seen}`);
      if (result.status === 'fail' || result.status === 'warn') {
        if (result.failures > result.evidence.length)
          lines.push(`${indent}(${result.failures - result.evidence.length} more)`);
        lines.push(`${indent}fix: ${result.fix}`);
      }
    }
  }
  const { pass, fail, warn, skip } = report.summary;
  lines.push(
    '',
    `${fail === 0 ? 'clean' : `${fail} rule${fail === 1 ? '' : 's'} failed`}: ${pass} passed, ${fail} failed, ${warn} warnings, ${skip} skipped; ${report.requests} requests.`,
  );
  return lines.join('\n');
}
