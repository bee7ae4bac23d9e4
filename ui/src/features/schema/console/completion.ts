import type { Schema, SchemaEngine, Table } from "../../../api";

export type Suggestion = {
  label: string;
  kind: "table" | "view" | "column" | "keyword";
  /** What the suggestion is: a column's table and type, a table's schema. */
  detail: string;
  insertText: string;
};

/** PostgreSQL's default schema (and MySQL's lack of one): its tables go unqualified. */
const DEFAULT_SCHEMAS = new Set(["public"]);
const PLAIN = /^[a-z_][a-z0-9_]*$/;

/** An identifier as the engine needs it written: quoted when it is not plain lower case. */
export function quoteIdentifier(name: string, engine: SchemaEngine): string {
  if (PLAIN.test(name)) return name;
  return engine === "mysql" ? `\`${name.replaceAll("`", "``")}\`` : `"${name.replaceAll('"', '""')}"`;
}

function tableText(table: Table, engine: SchemaEngine): string {
  const name = quoteIdentifier(table.name, engine);
  return table.schema === null || DEFAULT_SCHEMAS.has(table.schema) ? name : `${quoteIdentifier(table.schema, engine)}.${name}`;
}

const unquote = (name: string) => name.replace(/^["`]|["`]$/g, "");

/**
 * Table aliases the script gives: `FROM orders o`, `JOIN public.customers AS c` map `o` and `c`
 * to their tables (lower-cased), so that `o.` completes the columns of `orders`.
 */
export function aliases(sql: string): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /\b(?:from|join|update|into)\s+((?:[\w"`]+\.)?[\w"`]+)(?:\s+(?:as\s+)?([A-Za-z_]\w*))?/gi;
  const reserved = /^(where|on|join|inner|left|right|full|cross|group|order|limit|set|values|using|natural|union)$/i;
  for (const match of sql.matchAll(pattern)) {
    const table = unquote(match[1]!.split(".").at(-1)!).toLowerCase();
    found.set(table, table);
    const alias = match[2];
    if (alias && !reserved.test(alias)) found.set(alias.toLowerCase(), table);
  }
  return found;
}

/**
 * What to offer at the cursor: after `name.` the columns of the table `name` is (or is an alias
 * of); elsewhere the tables, every column and the SQL keywords. Monaco filters by what is typed.
 */
export function suggestionsFor(schema: Schema | null, textBefore: string, fullText: string, keywords: readonly string[]): Suggestion[] {
  const tables = schema?.tables ?? [];
  const engine = schema?.engine ?? "postgres";
  const dotted = /((?:[\w"`]+\.)?[\w"`]+)\.[\w"`]*$/.exec(textBefore);
  if (dotted) {
    const qualifier = unquote(dotted[1]!.split(".").at(-1)!).toLowerCase();
    const tableName = aliases(fullText).get(qualifier) ?? qualifier;
    const table = tables.find((t) => t.name.toLowerCase() === tableName);
    if (table) {
      return table.columns.map((column) => ({
        label: column.name,
        kind: "column",
        detail: `${column.dataType}${column.nullable ? "" : " not null"}`,
        insertText: quoteIdentifier(column.name, engine),
      }));
    }
    // A schema's name: its tables.
    const inSchema = tables.filter((t) => t.schema?.toLowerCase() === qualifier);
    if (inSchema.length > 0) {
      return inSchema.map((t) => ({ label: t.name, kind: t.kind === "table" ? "table" : "view", detail: t.schema ?? "", insertText: quoteIdentifier(t.name, engine) }));
    }
    return [];
  }
  const suggestions: Suggestion[] = tables.map((table) => ({
    label: table.schema === null || DEFAULT_SCHEMAS.has(table.schema) ? table.name : `${table.schema}.${table.name}`,
    kind: table.kind === "table" ? "table" : "view",
    detail: table.kind === "table" ? `table · ${table.columns.length} columns` : table.kind.replace(/([A-Z])/g, " $1").toLowerCase(),
    insertText: tableText(table, engine),
  }));
  const columns = new Map<string, string[]>();
  for (const table of tables) {
    for (const column of table.columns) columns.set(column.name, [...(columns.get(column.name) ?? []), table.name]);
  }
  for (const [name, owners] of columns) {
    suggestions.push({
      label: name,
      kind: "column",
      detail: owners.length > 3 ? `${owners.slice(0, 3).join(", ")} and ${owners.length - 3} more` : owners.join(", "),
      insertText: quoteIdentifier(name, engine),
    });
  }
  for (const keyword of keywords) suggestions.push({ label: keyword, kind: "keyword", detail: "keyword", insertText: keyword });
  return suggestions;
}
