import { quoteIdentifier } from '../naming.ts';
import type { LintRule } from '../types.ts';

/** A foreign key is one `*_id` column referencing the other table's `id`. */
export const foreignKeyTarget: LintRule = {
  id: 'foreign-key-target',
  description: 'A foreign key is one column named *_id that references the id of the other table.',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      table.constraints.flatMap((constraint) => {
        if (constraint.kind !== 'foreign key' || constraint.references === null) return [];
        const target = constraint.references;
        const column = constraint.columns.join(', ');
        const referencesId = target.columns.length === 1 && target.columns[0] === 'id';
        if (!referencesId) {
          return [
            {
              table: table.qualifiedName,
              column,
              constraint: constraint.name,
              message: `foreign key (${column}) references ${target.table}(${target.columns.join(', ')}), not ${target.table}(id)`,
              fix: `reference the primary key: ALTER TABLE ${quoteIdentifier(table.name)} ADD FOREIGN KEY (<singular>_id) REFERENCES ${target.table} (id);`,
            },
          ];
        }
        const name = constraint.columns[0] ?? '';
        if (name.endsWith('_id')) return [];
        return [
          {
            table: table.qualifiedName,
            column,
            constraint: constraint.name,
            message: `foreign key column "${name}" does not end in _id`,
            fix: `ALTER TABLE ${quoteIdentifier(table.name)} RENAME COLUMN ${quoteIdentifier(name)} TO ${name}_id;`,
          },
        ];
      }),
    );
  },
};
