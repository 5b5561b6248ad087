import type { LintRule } from '../types.ts';
import { booleanName } from './boolean-name.ts';
import { checkName } from './check-name.ts';
import { columnName } from './column-name.ts';
import { foreignKeyIndex } from './foreign-key-index.ts';
import { foreignKeyName } from './foreign-key-name.ts';
import { foreignKeyTarget } from './foreign-key-target.ts';
import { identityOverSerial } from './identity-over-serial.ts';
import { indexName } from './index-name.ts';
import { primaryKey } from './primary-key.ts';
import { sensitiveColumn } from './sensitive-column.ts';
import { softDeleteScopeIndex } from './soft-delete-scope-index.ts';
import { softDeleteUnique } from './soft-delete-unique.ts';
import { tableName } from './table-name.ts';
import { timestampColumns } from './timestamp-columns.ts';
import { timestampTimeZone } from './timestamp-time-zone.ts';
import { uniqueName } from './unique-name.ts';
import { updatedAtTrigger } from './updated-at-trigger.ts';
import { uuidDefault } from './uuid-default.ts';

/** The protocol's database conventions, in the order findings are reported. */
export const builtinRules: readonly LintRule[] = [
  tableName,
  columnName,
  foreignKeyTarget,
  foreignKeyName,
  indexName,
  uniqueName,
  checkName,
  booleanName,
  primaryKey,
  identityOverSerial,
  uuidDefault,
  timestampColumns,
  updatedAtTrigger,
  timestampTimeZone,
  softDeleteUnique,
  softDeleteScopeIndex,
  foreignKeyIndex,
  sensitiveColumn,
];
