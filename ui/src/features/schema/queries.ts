import { queryOptions } from "@tanstack/react-query";
import { qualifiedName } from "./erd/layout";
import { api, type ConnectionKind, type Engine, type SchemaSource, type Table } from "../../api";
import { queryKeys } from "../../api/queryKeys";

export const schemaQuery = (source: SchemaSource) =>
  queryOptions({
    queryKey: queryKeys.schema(source.kind, source.id),
    queryFn: () => api.schemaInspect(source),
    // A schema changes when someone migrates it: the page has Refresh, no background refetching.
    staleTime: Infinity,
    retry: false,
  });

/** Which browser reads a database: tables (SQL), a Redis keyspace, or MongoDB collections. */
export function familyOf(kind: Engine | ConnectionKind): "sql" | "redis" | "mongodb" {
  return kind === "redis" ? "redis" : kind === "mongodb" ? "mongodb" : "sql";
}

export { qualifiedName } from "./erd/layout";

/** Tables whose name (or schema-qualified name) holds `filter`, case-insensitively. */
export function filterTables(tables: Table[], filter: string): Table[] {
  const needle = filter.trim().toLowerCase();
  if (!needle) return tables;
  return tables.filter((table) => qualifiedName(table).toLowerCase().includes(needle));
}

/** Foreign keys pointing at `table` from any table: the "referenced by" side. */
export function referencesTo(tables: Table[], target: Table) {
  const name = qualifiedName(target);
  return tables.flatMap((table) =>
    table.foreignKeys
      .filter((key) => qualifiedName({ schema: key.refSchema, name: key.refTable }) === name)
      .map((key) => ({ from: qualifiedName(table), columns: key.columns, refColumns: key.refColumns })),
  );
}

export const connectionsQuery = (projectId: number) =>
  queryOptions({
    queryKey: queryKeys.connectionList(projectId),
    queryFn: () => api.connectionList(projectId),
  });
