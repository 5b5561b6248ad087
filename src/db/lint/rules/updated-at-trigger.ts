import type { CatalogTrigger } from '../catalog.ts';
import { quoteIdentifier } from '../naming.ts';
import type { LintRule } from '../types.ts';

// A plpgsql or SQL body that assigns NEW.updated_at (`NEW.updated_at = now()`, `:=`).
const SETS_UPDATED_AT = /\bNEW\s*\.\s*"?updated_at"?\s*:?=/i;

/** Whether a trigger sets `updated_at` on every update of a row. */
function setsUpdatedAt(trigger: CatalogTrigger): boolean {
  if (trigger.timing !== 'before' || !trigger.forEachRow || !trigger.events.includes('update')) return false;
  if (trigger.updateColumns.length > 0) return false;
  // The contrib moddatetime(updated_at) trigger, a C function, does the same.
  if (trigger.functionSource === 'moddatetime') return trigger.arguments[0] === 'updated_at';
  return SETS_UPDATED_AT.test(trigger.functionSource);
}

/** A table with `updated_at` keeps it current with a `BEFORE UPDATE` row trigger. */
export const updatedAtTrigger: LintRule = {
  id: 'updated-at-trigger',
  description:
    'A table with updated_at has a BEFORE UPDATE FOR EACH ROW trigger that sets it (on every update, not only some columns).',
  severity: 'error',
  check(catalog) {
    return catalog.tables.flatMap((table) => {
      if (!table.columns.some((column) => column.name === 'updated_at')) return [];
      if (table.triggers.some(setsUpdatedAt)) return [];
      return [
        {
          table: table.qualifiedName,
          column: 'updated_at',
          message: 'no BEFORE UPDATE row trigger sets updated_at',
          fix: `CREATE TRIGGER set_updated_at BEFORE UPDATE ON ${quoteIdentifier(table.name)} FOR EACH ROW EXECUTE FUNCTION update_updated_at(); (update_updated_at(): NEW.updated_at = now(); RETURN NEW;)`,
        },
      ];
    });
  },
};
