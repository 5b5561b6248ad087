import { expectedName, followsNamePattern } from '../naming.ts';
import type { LintRule } from '../types.ts';

/** Unique constraints and unique indexes are `<table>_<column>_unique`. */
export const uniqueName: LintRule = {
  id: 'unique-name',
  description: 'Unique constraints and unique indexes are named <table>_<column>_unique.',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      table.indexes
        .filter((index) => index.unique && !index.primary)
        .filter((index) => !followsNamePattern(index.name, table.name, index.columns, 'unique'))
        .map((index) => {
          const expected = expectedName(table.name, index.columns, 'unique');
          const isConstraint = index.constraint !== null;
          return {
            table: table.qualifiedName,
            ...(isConstraint ? { constraint: index.name } : { index: index.name }),
            message: `unique ${isConstraint ? 'constraint' : 'index'} "${index.name}" does not follow <table>_<column>_unique`,
            fix: isConstraint
              ? `ALTER TABLE ${table.name} RENAME CONSTRAINT "${index.name}" TO ${expected};`
              : `ALTER INDEX "${index.name}" RENAME TO ${expected};`,
          };
        }),
    );
  },
};
