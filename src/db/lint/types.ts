import type { Catalog } from './catalog.ts';

/** How much a breach matters: errors fail `tenet db lint`, warnings fail it only with `--strict`. */
export type Severity = 'error' | 'warning';

/** What a rule reports: where, what is wrong, and how to fix it. */
export interface RuleFinding {
  /** The table, schema-qualified outside `public`. */
  readonly table: string;
  readonly column?: string;
  readonly index?: string;
  readonly constraint?: string;
  readonly message: string;
  readonly fix: string;
}

/** A finding as reported: the rule's id and severity added to what the rule found. */
export interface Finding extends RuleFinding {
  readonly rule: string;
  readonly severity: Severity;
}

/** An allowed breach, with the reason it is allowed. */
export interface LintException {
  readonly rule: string;
  readonly table: string;
  readonly column?: string;
  readonly index?: string;
  readonly constraint?: string;
  readonly reason: string;
}

/** What the rules are told about the project, from `--config` (or `tenet.lint.json`). */
export interface LintConfig {
  /** The schemas whose tables are checked. @default ['public'] */
  readonly schemas: readonly string[];
  /** Tables whose rows never leave the database: they may use identity keys. Name -> reason. */
  readonly internalTables: ReadonlyMap<string, string>;
  /** Tables not checked at all. Name -> reason. */
  readonly ignoredTables: ReadonlyMap<string, string>;
  /** Extra words for the pluralizer: singular -> plural (`{ "person": "people" }`). */
  readonly plurals: Readonly<Record<string, string>>;
  readonly exceptions: readonly LintException[];
  /** Rule id -> severity, to make a rule stricter or softer for the project. */
  readonly severities: Readonly<Record<string, Severity>>;
}

/** One rule of `tenet db lint`: data plus a pure function over the catalog. */
export interface LintRule {
  /** kebab-case, unique: `table-name`. */
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  check(catalog: Catalog, config: LintConfig): readonly RuleFinding[];
}
