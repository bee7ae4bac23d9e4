/** Rows come from the core by page; the grid asks for the pages its visible rows fall in. */
export const PAGE_SIZE = 500;

/** The pages that rows `first..=last` fall in. */
export function pagesFor(first: number, last: number, pageSize = PAGE_SIZE): number[] {
  if (last < first) return [];
  const pages: number[] = [];
  for (let page = Math.floor(first / pageSize); page <= Math.floor(last / pageSize); page++) pages.push(page);
  return pages;
}

/** What a column holds, from the server's name for its type: how its cells are shown. */
export type ColumnKind = "number" | "boolean" | "json" | "binary" | "time" | "text";

export function columnKind(typeName: string): ColumnKind {
  const name = typeName.toLowerCase();
  if (/^(int|integer|bigint|smallint|tinyint|mediumint|int[248]|float[48]?|double|real|numeric|decimal|oid)/.test(name)) return "number";
  if (name === "bool" || name === "boolean") return "boolean";
  if (name === "json" || name === "jsonb") return "json";
  if (/^(bytea|blob|tinyblob|mediumblob|longblob|binary|varbinary)/.test(name)) return "binary";
  if (/^(timestamp|timestamptz|date|time|timetz|datetime|interval|year)/.test(name)) return "time";
  return "text";
}

/** A cell as the grid shows it: SQL NULL and the empty string apart, JSON on one line, bytes as hex. */
export type Cell = { text: string; kind: ColumnKind | "null" | "empty" };

export function cellView(value: string | null, kind: ColumnKind): Cell {
  if (value === null) return { text: "NULL", kind: "null" };
  if (value === "") return { text: "empty", kind: "empty" };
  if (kind === "json") {
    try {
      return { text: JSON.stringify(JSON.parse(value)), kind };
    } catch {
      return { text: value, kind: "text" };
    }
  }
  // PostgreSQL writes bytes as `\x0aff`; others come as hex from the core when not text.
  if (kind === "binary" || value.startsWith("\\x")) return { text: value.replace(/^\\x/, "0x"), kind: "binary" };
  return { text: value, kind };
}

/** The whole value, for the cell viewer: JSON indented, anything else as it is. */
export function fullValue(value: string | null, kind: ColumnKind): string {
  if (value === null) return "NULL";
  if (kind === "json") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return value;
}
