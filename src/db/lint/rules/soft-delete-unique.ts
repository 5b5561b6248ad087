import { isLiveRowsPredicate, isSoftDeleted } from '../naming.ts';
import type { LintRule } from '../types.ts';

/** On a soft-deleted table a unique rule holds among live rows only, or a deleted row blocks reuse. */
export const softDeleteUnique: LintRule = {
  id: 'soft-delete-unique',
  description:
    'On a table with deleted_at, every unique index or constraint is partial WHERE deleted_at IS NULL (else a deleted row blocks reuse of its value).',
  severity: 'error',
  check(catalog) {
    return catalog.tables.filter(isSoftDeleted).flatMap((table) =>
      table.indexes
        .filter((index) => index.unique && !index.primary && !isLiveRowsPredicate(index.predicate))
        .map((index) => {
          const columns = index.columns.map((column) => column ?? '<expression>').join(', ');
          const isConstraint = index.constraint !== null;
          return {
            table: table.qualifiedName,
            ...(isConstraint ? { constraint: index.name } : { index: index.name }),
            message: `unique ${isConstraint ? 'constraint' : 'index'} "${index.name}" covers deleted rows too: a soft-deleted row blocks reuse of (${columns})`,
            fix: `${isConstraint ? `ALTER TABLE ${table.name} DROP CONSTRAINT "${index.name}"` : `DROP INDEX "${index.name}"`}; CREATE UNIQUE INDEX ${index.name} ON ${table.name} (${columns}) WHERE deleted_at IS NULL;`,
          };
        }),
    );
  },
};
