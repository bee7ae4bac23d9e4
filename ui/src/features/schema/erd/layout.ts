// Types only: React Flow loads with the diagram, not with this module's other users (queries.ts).
import type { Edge, Node } from "@xyflow/react";
import { api, type ForeignKey, type Schema, type Table } from "../../../api";

export const NODE_WIDTH = 240;
export const HEADER_HEIGHT = 36;
export const ROW_HEIGHT = 22;
/** Room under the last column, so the list does not touch the border. */
const FOOTER_HEIGHT = 6;

export type TableNodeData = { table: Table };
export type TableNode = Node<TableNodeData, "table">;
export type FkEdge = Edge<{ foreignKey: ForeignKey }>;

/** A table's id in the diagram: `schema.name`, or `name` where the engine has no schemas. */
export function qualifiedName(table: Pick<Table, "schema" | "name">): string {
  return table.schema === null ? table.name : `${table.schema}.${table.name}`;
}

export function nodeHeight(table: Table): number {
  return HEADER_HEIGHT + ROW_HEIGHT * table.columns.length + FOOTER_HEIGHT;
}

/**
 * The table a foreign key points to, or null when it is not in the schema (another schema
 * that was not inspected). A key without a schema refers to its own table's schema first.
 */
export function referencedTable(
  byName: ReadonlyMap<string, Table>,
  from: Table,
  fk: ForeignKey,
): Table | null {
  const schema = fk.refSchema ?? from.schema;
  return (
    byName.get(qualifiedName({ schema, name: fk.refTable })) ??
    byName.get(qualifiedName({ schema: null, name: fk.refTable })) ??
    null
  );
}

function tablesByName(schema: Schema): Map<string, Table> {
  return new Map(schema.tables.map((table) => [qualifiedName(table), table]));
}

/** One foreign key as a link from the child table to the table it references. */
type Link = { source: string; target: string; fk: ForeignKey; index: number };

function links(schema: Schema, byName: ReadonlyMap<string, Table>): Link[] {
  return schema.tables.flatMap((table) =>
    table.foreignKeys.flatMap((fk, index) => {
      const target = referencedTable(byName, table, fk);
      return target ? [{ source: qualifiedName(table), target: qualifiedName(target), fk, index }] : [];
    }),
  );
}

/** The table and those a foreign key links to it, in either direction. */
export function neighbourhood(schema: Schema, name: string): Set<string> {
  const byName = tablesByName(schema);
  if (!byName.has(name)) return new Set();
  const shown = new Set([name]);
  for (const link of links(schema, byName)) {
    if (link.source === name) shown.add(link.target);
    if (link.target === name) shown.add(link.source);
  }
  return shown;
}

export type Layout = { nodes: TableNode[]; edges: FkEdge[] };

/**
 * Layouts made or under way, per schema object (a new inspection is a new object) and table shown
 * around: the diagram is reopened often (the Table tab and back, a neighbourhood and back).
 */
const made = new WeakMap<Schema, Map<string, Promise<Layout>>>();

/**
 * Places every table (or, with `onlyAround`, that table's neighbourhood) left to right:
 * child tables to the left of the tables they reference. Positions are top-left corners, from
 * the core (a layered layout in Rust: dagre in the window took over a second at 500 tables).
 */
export function layoutSchema(schema: Schema, onlyAround?: string | null): Promise<Layout> {
  const key = onlyAround ?? "";
  const known = made.get(schema) ?? new Map<string, Promise<Layout>>();
  made.set(schema, known);
  const cached = known.get(key);
  if (cached) return cached;
  const layout = computeLayout(schema, onlyAround);
  known.set(key, layout);
  // A failed layout is asked for again next time, not remembered.
  layout.catch(() => known.delete(key));
  return layout;
}

async function computeLayout(schema: Schema, onlyAround?: string | null): Promise<Layout> {
  const byName = tablesByName(schema);
  const shown = onlyAround ? neighbourhood(schema, onlyAround) : new Set(byName.keys());
  const tables = schema.tables.filter((table) => shown.has(qualifiedName(table)));
  const shownLinks = links(schema, byName).filter(
    (link) => shown.has(link.source) && shown.has(link.target),
  );
  const index = new Map(tables.map((table, i) => [qualifiedName(table), i]));
  const corners = await api.schemaDiagramLayout({
    boxes: tables.map((table) => ({ width: NODE_WIDTH, height: nodeHeight(table) })),
    links: shownLinks.map((link) => ({ source: index.get(link.source)!, target: index.get(link.target)! })),
  });

  const nodes: TableNode[] = tables.map((table, i) => ({
    id: qualifiedName(table),
    type: "table",
    position: corners[i],
    width: NODE_WIDTH,
    height: nodeHeight(table),
    data: { table },
  }));
  const edges: FkEdge[] = shownLinks.map((link) => ({
    id: `${link.source}#fk${link.index}`,
    source: link.source,
    target: link.target,
    label: link.fk.columns.join(", "),
    type: "smoothstep",
    data: { foreignKey: link.fk },
  }));
  return { nodes, edges };
}

/** Tables whose name contains the query: exact names first, then those starting with it. */
export function findTables(schema: Schema, query: string, limit = 8): string[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  const rank = (name: string) => {
    const lower = name.toLowerCase();
    const bare = lower.slice(lower.lastIndexOf(".") + 1);
    if (lower === needle || bare === needle) return 0;
    if (lower.startsWith(needle) || bare.startsWith(needle)) return 1;
    return lower.includes(needle) ? 2 : 3;
  };
  return schema.tables
    .map(qualifiedName)
    .map((name) => ({ name, rank: rank(name) }))
    .filter((match) => match.rank < 3)
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((match) => match.name);
}
