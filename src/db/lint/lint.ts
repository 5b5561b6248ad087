import type { Catalog } from './catalog.ts';
import type { Finding, LintConfig, LintException, LintRule } from './types.ts';

/** A finding an exception of the configuration allowed, with its reason. */
export interface SuppressedFinding extends Finding {
  readonly reason: string;
}

/** The outcome of one lint run. */
export interface LintReport {
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  /** The tables checked (ignored tables excluded). */
  readonly tables: readonly string[];
  readonly rules: readonly string[];
}

/** The id of the finding that reports an exception that matched nothing (a stale configuration). */
export const UNUSED_EXCEPTION = 'unused-exception';

function matches(exception: LintException, finding: Finding): boolean {
  return (
    exception.rule === finding.rule &&
    exception.table === finding.table &&
    (exception.column === undefined || exception.column === finding.column) &&
    (exception.index === undefined || exception.index === finding.index) &&
    (exception.constraint === undefined || exception.constraint === finding.constraint)
  );
}

/** Runs every rule over a catalog and applies the configuration's exceptions; pure. */
export function lintCatalog(catalog: Catalog, rules: readonly LintRule[], config: LintConfig): LintReport {
  const ids = new Set<string>();
  for (const rule of rules) {
    if (ids.has(rule.id)) throw new Error(`Two rules have the id "${rule.id}"`);
    ids.add(rule.id);
  }
  const checked: Catalog = {
    ...catalog,
    tables: catalog.tables.filter((table) => !config.ignoredTables.has(table.qualifiedName)),
  };
  const all: Finding[] = rules.flatMap((rule) => {
    let found: ReturnType<LintRule['check']>;
    try {
      found = rule.check(checked, config);
    } catch (error) {
      throw new Error(`Rule ${rule.id} failed: ${error instanceof Error ? error.message : error}`);
    }
    const severity = config.severities[rule.id] ?? rule.severity;
    return found.map((finding) => ({ rule: rule.id, severity, ...finding }));
  });

  const used = new Set<LintException>();
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of all) {
    const exception = config.exceptions.find((candidate) => matches(candidate, finding));
    if (exception === undefined) findings.push(finding);
    else {
      used.add(exception);
      suppressed.push({ ...finding, reason: exception.reason });
    }
  }
  for (const exception of config.exceptions) {
    if (used.has(exception) || !ids.has(exception.rule)) continue;
    findings.push({
      rule: UNUSED_EXCEPTION,
      severity: 'warning',
      table: exception.table,
      ...(exception.column ? { column: exception.column } : {}),
      message: `the exception for ${exception.rule} matched no finding`,
      fix: 'remove it from the configuration (the breach it allowed is gone)',
    });
  }
  return {
    findings,
    suppressed,
    tables: checked.tables.map((table) => table.qualifiedName),
    rules: [...ids],
  };
}
