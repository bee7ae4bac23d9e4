import { formatDialect, mysql, postgresql, sqlite, type DialectOptions } from "sql-formatter";
import type { SchemaEngine } from "../../../api";

// A "mysql" source may be MariaDB too. sql-formatter's MySQL dialect suits both: MariaDB-only
// syntax (`RETURNING`) merely keeps to its line, whereas its MariaDB dialect splits MySQL's `->>`
// into `- >>`, changing the query. Naming the three dialects keeps the others out of the bundle.
const dialects: Record<SchemaEngine, DialectOptions> = { postgres: postgresql, mysql, sqlite };

/** `sql` laid out for reading: a clause a line, its items indented by two spaces below it. */
export function formatSql(sql: string, engine: SchemaEngine): string {
  return formatDialect(sql, { dialect: dialects[engine] });
}
