import { quoteIdentifier } from '../naming.ts';
import type { LintRule, RuleFinding } from '../types.ts';

const NOW = /^(now\(\)|CURRENT_TIMESTAMP|transaction_timestamp\(\))$/i;

/** Every table has `created_at` and `updated_at`, `timestamptz NOT NULL DEFAULT now()`. */
export const timestampColumns: LintRule = {
  id: 'timestamp-columns',
  description: 'Every table has created_at and updated_at, both timestamptz NOT NULL DEFAULT now().',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      ['created_at', 'updated_at'].flatMap((name): RuleFinding[] => {
        const target = quoteIdentifier(table.name);
        const column = table.columns.find((candidate) => candidate.name === name);
        if (column === undefined) {
          return [
            {
              table: table.qualifiedName,
              column: name,
              message: `table has no ${name} column`,
              fix: `ALTER TABLE ${target} ADD COLUMN ${name} timestamptz NOT NULL DEFAULT now();`,
            },
          ];
        }
        const problems: string[] = [];
        const fixes: string[] = [];
        if (column.baseType !== 'timestamp with time zone') {
          problems.push(`is ${column.type}, not timestamptz`);
          fixes.push(`ALTER TABLE ${target} ALTER COLUMN ${name} TYPE timestamptz;`);
        }
        if (!column.notNull) {
          problems.push('is nullable');
          fixes.push(`ALTER TABLE ${target} ALTER COLUMN ${name} SET NOT NULL;`);
        }
        if (column.default === null || !NOW.test(column.default)) {
          problems.push(
            column.default === null ? 'has no default' : `defaults to ${column.default}, not now()`,
          );
          fixes.push(`ALTER TABLE ${target} ALTER COLUMN ${name} SET DEFAULT now();`);
        }
        if (problems.length === 0) return [];
        return [
          {
            table: table.qualifiedName,
            column: name,
            message: `${name} ${problems.join(', ')}`,
            fix: fixes.join(' '),
          },
        ];
      }),
    );
  },
};
