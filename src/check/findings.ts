import { type CheckArea, type CheckRuleId, checkRules } from './rules.ts';

/** What one observation showed: the request and what was seen. */
export interface Evidence {
  /** `METHOD /path?query -> status`, or a description when no request applies. */
  request: string;
  seen: string;
}

/** The outcome of one rule over the whole run. */
export interface RuleResult {
  id: CheckRuleId;
  area: CheckArea | 'run';
  title: string;
  /** `warn` is a failed warning-level rule: reported, but the run stays clean. */
  status: 'pass' | 'fail' | 'warn' | 'skip';
  /** Failures (up to a few, with how many there were), or one passing example, or why it was skipped. */
  evidence: Evidence[];
  failures: number;
  passes: number;
  /** How to fix a failure. */
  fix: string;
}

const MAX_EVIDENCE = 5;

/** Collects passes, failures and skips per rule; the areas outside `--only` are not reported. */
export class Findings {
  readonly #areas: ReadonlySet<CheckArea>;
  readonly #failures = new Map<CheckRuleId, Evidence[]>();
  readonly #failureCounts = new Map<CheckRuleId, number>();
  readonly #passes = new Map<CheckRuleId, Evidence[]>();
  readonly #skips = new Map<CheckRuleId, string>();

  constructor(areas: Iterable<CheckArea>) {
    this.#areas = new Set(areas);
  }

  /** Whether an area is being checked. */
  wants(area: CheckArea): boolean {
    return this.#areas.has(area);
  }

  /** Records that a rule held for one observation. */
  pass(id: CheckRuleId, evidence: Evidence): void {
    const list = this.#passes.get(id) ?? [];
    list.push(evidence);
    this.#passes.set(id, list);
  }

  /** Records a breach of a rule; identical evidence is counted once. */
  fail(id: CheckRuleId, evidence: Evidence): void {
    const list = this.#failures.get(id) ?? [];
    if (list.some((item) => item.request === evidence.request && item.seen === evidence.seen)) return;
    this.#failureCounts.set(id, (this.#failureCounts.get(id) ?? 0) + 1);
    if (list.length < MAX_EVIDENCE) list.push(evidence);
    this.#failures.set(id, list);
  }

  /** Records a pass or a failure. */
  check(id: CheckRuleId, ok: boolean, evidence: Evidence): boolean {
    if (ok) this.pass(id, evidence);
    else this.fail(id, evidence);
    return ok;
  }

  /** Records why a rule could not be checked (kept only if it never ran). */
  skip(id: CheckRuleId, reason: string): void {
    if (!this.#skips.has(id)) this.#skips.set(id, reason);
  }

  /** The result of every rule of the selected areas, in catalogue order. */
  results(): RuleResult[] {
    const results: RuleResult[] = [];
    for (const [id, rule] of Object.entries(checkRules) as Array<
      [CheckRuleId, (typeof checkRules)[CheckRuleId]]
    >) {
      // The run's own health is always reported, whatever `--only` says.
      if (rule.area !== 'run' && !this.#areas.has(rule.area)) continue;
      const failures = this.#failures.get(id) ?? [];
      const passes = this.#passes.get(id) ?? [];
      const base = { id, area: rule.area, title: rule.title, fix: rule.fix, passes: passes.length };
      if (failures.length > 0) {
        const status = 'severity' in rule && rule.severity === 'warning' ? 'warn' : 'fail';
        results.push({ ...base, status, evidence: failures, failures: this.#failureCounts.get(id) ?? 0 });
      } else if (passes.length > 0) {
        results.push({ ...base, status: 'pass', evidence: passes.slice(0, 1), failures: 0 });
      } else {
        const reason = this.#skips.get(id) ?? 'nothing seen that this rule applies to';
        results.push({ ...base, status: 'skip', evidence: [{ request: '-', seen: reason }], failures: 0 });
      }
    }
    return results;
  }
}
