import type { LintRule } from '../types.ts';

/** Check constraints are `<table>_<column>_<rule>`: `users_email_lowercase`, `posts_title_length`. */
export const checkName: LintRule = {
  id: 'check-name',
  description: 'Check constraints are named <table>_<column>_<rule> (users_email_lowercase).',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      table.constraints
        .filter((constraint) => constraint.kind === 'check')
        .filter((constraint) => {
          const candidates = constraint.columns.length > 0 ? constraint.columns : ['<column>'];
          return !candidates.some((column) => {
            const prefix = `${table.name}_${column}_`;
            return constraint.name.startsWith(prefix) && constraint.name.length > prefix.length;
          });
        })
        .map((constraint) => {
          const column = constraint.columns[0] ?? '<column>';
          return {
            table: table.qualifiedName,
            constraint: constraint.name,
            ...(constraint.columns[0] ? { column } : {}),
            message: `check constraint "${constraint.name}" does not follow <table>_<column>_<rule>`,
            fix: `ALTER TABLE ${table.name} RENAME CONSTRAINT "${constraint.name}" TO ${table.name}_${column}_<rule>; (rule: what it checks, such as length, range, valid)`,
          };
        }),
    );
  },
};
