import dagre from "@dagrejs/dagre";
// Types only: this module must load without React Flow (see frozen.test.ts).
import type { Edge, Node } from "@xyflow/react";
import type { ForeignKey, Schema, Table } from "../../../api";

// dagre rather than elkjs: elk's GWT-compiled bundle assigns `toString` on an object that
// inherits it, which throws once Tauri has frozen Object.prototype (see frozen.test.ts).

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
 * Layouts already made, per schema object (a new inspection is a new object) and table shown
 * around: dagre takes over a second at 500 tables, and the diagram is reopened often (the Table
 * tab and back, a neighbourhood and back).
 */
const made = new WeakMap<Schema, Map<string, Layout>>();

/**
 * Places every table (or, with `onlyAround`, that table's neighbourhood) left to right:
 * child tables to the left of the tables they reference. Positions are top-left corners.
 */
export function layoutSchema(schema: Schema, onlyAround?: string | null): Layout {
  const key = onlyAround ?? "";
  const known = made.get(schema) ?? new Map<string, Layout>();
  made.set(schema, known);
  const cached = known.get(key);
  if (cached) return cached;
  const layout = computeLayout(schema, onlyAround);
  known.set(key, layout);
  return layout;
}

function computeLayout(schema: Schema, onlyAround?: string | null): Layout {
  const byName = tablesByName(schema);
  const shown = onlyAround ? neighbourhood(schema, onlyAround) : new Set(byName.keys());
  const tables = schema.tables.filter((table) => shown.has(qualifiedName(table)));
  const shownLinks = links(schema, byName).filter(
    (link) => shown.has(link.source) && shown.has(link.target),
  );

  // A multigraph keeps two keys between the same tables (or a table and itself) apart.
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 110, edgesep: 20, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const table of tables) {
    graph.setNode(qualifiedName(table), { width: NODE_WIDTH, height: nodeHeight(table) });
  }
  shownLinks.forEach((link, i) => graph.setEdge(link.source, link.target, {}, String(i)));
  dagre.layout(graph);

  const nodes: TableNode[] = tables.map((table) => {
    const id = qualifiedName(table);
    const { x, y, width, height } = graph.node(id);
    return {
      id,
      type: "table",
      // dagre gives centres; React Flow places nodes by their top-left corner.
      position: { x: x - width / 2, y: y - height / 2 },
      width,
      height,
      data: { table },
    };
  });
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
