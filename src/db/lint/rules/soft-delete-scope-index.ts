import { isLiveRowsPredicate, isSoftDeleted } from '../naming.ts';
import type { LintRule } from '../types.ts';

/** Reads of a soft-deleted table filter `deleted_at IS NULL`: a partial index serves that scope. */
export const softDeleteScopeIndex: LintRule = {
  id: 'soft-delete-scope-index',
  description:
    'A table with deleted_at has at least one partial index WHERE deleted_at IS NULL serving its default scope (live rows).',
  severity: 'error',
  check(catalog) {
    return catalog.tables.filter(isSoftDeleted).flatMap((table) => {
      if (table.indexes.some((index) => isLiveRowsPredicate(index.predicate))) return [];
      return [
        {
          table: table.qualifiedName,
          column: 'deleted_at',
          message: 'no partial index serves the default scope (WHERE deleted_at IS NULL)',
          fix: `CREATE INDEX ${table.name}_created_at_id_idx ON ${table.name} (created_at, id) WHERE deleted_at IS NULL; (the columns of the default list order)`,
        },
      ];
    });
  },
};
