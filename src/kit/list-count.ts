import { type Compilable, CompiledQuery, type Kysely } from 'kysely';

/**
 * `count=estimated` on a filtered scope: the planner's row estimate for the scope's query (EXPLAIN,
 * no scan), so a search over millions of rows answers without counting them. Null if the plan has none.
 */
export async function estimateRows(db: Kysely<never>, query: Compilable): Promise<number | null> {
  const compiled = query.compile();
  const result = await db.executeQuery<{ 'QUERY PLAN': unknown }>(
    CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
  );
  const plan = result.rows[0]?.['QUERY PLAN'];
  // pg parses the json column; PGlite may hand it over as text.
  const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as Array<{
    Plan?: { 'Plan Rows'?: number };
  }>;
  const rows = parsed?.[0]?.Plan?.['Plan Rows'];
  return typeof rows === 'number' ? Math.max(0, Math.round(rows)) : null;
}
