import { quoteIdentifier } from '../naming.ts';
import type { LintRule } from '../types.ts';

// Names whose last word says the value is a credential; `password_hash`, `token_hash`, `token_id`,
// `password_changed_at` end in another word and pass.
const SENSITIVE = /(^|_)(password|passwd|pwd|secret|token|api_key|private_key|secret_key|otp|pin)$/;

/** Credentials are stored as hashes, and the column says so: `password_hash`, `token_hash`. */
export const sensitiveColumn: LintRule = {
  id: 'sensitive-column',
  description:
    'Columns that hold credentials (password, secret, *_token, api_key…) are stored hashed and named *_hash.',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) =>
      table.columns
        .filter((column) => SENSITIVE.test(column.name))
        .map((column) => ({
          table: table.qualifiedName,
          column: column.name,
          message: `column "${column.name}" looks like a credential stored as is`,
          fix: `store a hash instead (argon2id for passwords, SHA-256 for random tokens): ALTER TABLE ${quoteIdentifier(table.name)} RENAME COLUMN ${quoteIdentifier(column.name)} TO ${column.name}_hash; and write hashes only`,
        })),
    );
  },
};
