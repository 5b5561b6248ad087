import type { LintReport } from './lint.ts';
import type { Finding } from './types.ts';

/** Whether a report fails the run: any error, or with `strict` any warning too. */
export function reportFails(report: LintReport, strict: boolean): boolean {
  return report.findings.some((finding) => finding.severity === 'error' || strict);
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function where(finding: Finding): string {
  return finding.column ?? finding.index ?? finding.constraint ?? '(table)';
}

/** The report as text for a terminal: findings grouped by table, then a summary line. */
export function formatText(report: LintReport): string {
  const byTable = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    const list = byTable.get(finding.table) ?? [];
    list.push(finding);
    byTable.set(finding.table, list);
  }
  const lines: string[] = [];
  for (const table of [...byTable.keys()].sort()) {
    lines.push(table);
    for (const finding of byTable.get(table) ?? []) {
      lines.push(
        `  ${finding.severity.padEnd(7)} ${finding.rule.padEnd(24)} ${where(finding)}: ${finding.message}`,
      );
      lines.push(`  ${' '.repeat(33)}fix: ${finding.fix}`);
    }
    lines.push('');
  }
  const errors = report.findings.filter((finding) => finding.severity === 'error').length;
  const warnings = report.findings.length - errors;
  const suppressed =
    report.suppressed.length > 0 ? `, ${report.suppressed.length} allowed by exceptions` : '';
  const checked = `${count(report.tables.length, 'table')} checked against ${count(report.rules.length, 'rule')}`;
  lines.push(
    report.findings.length === 0
      ? `No findings: ${checked}${suppressed}.`
      : `${count(errors, 'error')}, ${count(warnings, 'warning')} in ${count(byTable.size, 'table')}: ${checked}${suppressed}.`,
  );
  return lines.join('\n');
}

/** The report as JSON for tools: `{ ok, summary, findings, suppressed }`. */
export function formatJson(report: LintReport, strict: boolean): string {
  const errors = report.findings.filter((finding) => finding.severity === 'error').length;
  return JSON.stringify(
    {
      ok: !reportFails(report, strict),
      summary: {
        errors,
        warnings: report.findings.length - errors,
        suppressed: report.suppressed.length,
        tables: report.tables.length,
        rules: report.rules.length,
      },
      findings: report.findings,
      suppressed: report.suppressed,
    },
    null,
    2,
  );
}
