import { expectedName, followsNamePattern } from '../naming.ts';
import type { LintRule } from '../types.ts';

/** Plain indexes are `<table>_<column>_idx` (several columns: `<table>_<col1>_<col2>_idx`). */
export const indexName: LintRule = {
  id: 'index-name',
  description: 'Indexes are named <table>_<column>_idx (several columns: <table>_<col1>_<col2>_idx).',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      table.indexes
        .filter((index) => !index.unique && index.constraint === null)
        .filter((index) => !followsNamePattern(index.name, table.name, index.columns, 'idx'))
        .map((index) => {
          const expected = expectedName(table.name, index.columns, 'idx');
          return {
            table: table.qualifiedName,
            index: index.name,
            message: `index "${index.name}" does not follow <table>_<column>_idx`,
            fix: `ALTER INDEX "${index.name}" RENAME TO ${expected};`,
          };
        }),
    );
  },
};
