import type { LintRule } from '../types.ts';

/** Every foreign key has an index leading with its columns: joins and cascades need it. */
export const foreignKeyIndex: LintRule = {
  id: 'foreign-key-index',
  description:
    'Every foreign key has a (non-partial) index whose leading columns are its columns, so joins and ON DELETE of the parent do not scan the table.',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      table.constraints
        .filter((constraint) => constraint.kind === 'foreign key')
        .filter((constraint) => {
          const wanted = new Set(constraint.columns);
          // A partial index cannot serve the parent's ON DELETE check, which must see every row.
          return !table.indexes.some(
            (index) =>
              index.predicate === null &&
              index.columns.length >= wanted.size &&
              index.columns.slice(0, wanted.size).every((column) => column !== null && wanted.has(column)),
          );
        })
        .map((constraint) => {
          const columns = constraint.columns.join(', ');
          return {
            table: table.qualifiedName,
            column: columns,
            constraint: constraint.name,
            message: `foreign key (${columns}) has no index leading with its columns`,
            fix: `CREATE INDEX ${table.name}_${constraint.columns.join('_')}_idx ON ${table.name} (${columns});`,
          };
        }),
    );
  },
};
