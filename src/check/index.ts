export { CookieJar, isClearing, parseSetCookie, type SetCookie } from './cookie-jar.ts';
export type { Evidence, RuleResult } from './findings.ts';
export { formatReport } from './report.ts';
export { type CheckArea, type CheckRule, type CheckRuleId, checkAreas, checkRules } from './rules.ts';
export { type CheckOptions, type CheckReport, OPENAPI_PATHS, runCheck } from './run-check.ts';
