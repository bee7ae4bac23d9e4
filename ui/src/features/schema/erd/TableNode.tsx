import { Handle, Position, useStore, type NodeProps, type ReactFlowState } from "@xyflow/react";
import clsx from "clsx";
import { memo } from "react";
import type { Table, TableKind } from "../../../api";
import { qualifiedName, type TableNode as TableNodeType } from "./layout";

type KeyMark = "PK" | "FK" | "UK";

const KEY_TITLES: Record<KeyMark, string> = {
  PK: "Primary key",
  FK: "Foreign key",
  UK: "Unique",
};

const KIND_LABELS: Partial<Record<TableKind, string>> = {
  view: "view",
  materializedView: "materialized view",
  partitionedTable: "partitioned",
  foreignTable: "foreign",
};

/**
 * Below this zoom a column's text is under 5 px, unreadable: the box shows its name and an empty
 * body of the same height instead of its rows, which keeps a zoomed-out diagram of hundreds of
 * tables light to pan and zoom.
 */
export const DETAIL_ZOOM = 0.4;
const showsColumns = (state: ReactFlowState) => state.transform[2] >= DETAIL_ZOOM;

/** Which keys each column takes part in; a unique index on plain columns counts as a key. */
function keyMarks(table: Table): Map<string, KeyMark[]> {
  const marks = new Map<string, KeyMark[]>();
  const mark = (columns: readonly string[], key: KeyMark) => {
    for (const column of columns) {
      const list = marks.get(column) ?? [];
      if (!list.includes(key)) list.push(key);
      marks.set(column, list);
    }
  };
  mark(table.primaryKey?.columns ?? [], "PK");
  for (const fk of table.foreignKeys) mark(fk.columns, "FK");
  for (const unique of table.uniques) mark(unique.columns, "UK");
  for (const index of table.indexes) {
    if (index.unique && !index.expression && index.predicate === null) mark(index.columns, "UK");
  }
  return marks;
}

function TableNodeView({ data: { table }, selected }: NodeProps<TableNodeType>) {
  // A boolean: the nodes render again only when the zoom crosses the threshold.
  const detailed = useStore(showsColumns);
  const isView = table.kind === "view" || table.kind === "materializedView";
  const kind = KIND_LABELS[table.kind];
  return (
    <div
      className={clsx("erd-table", isView && "erd-table-view", selected && "is-selected")}
      data-testid="erd-table"
      data-table={qualifiedName(table)}
    >
      {/* Edges leave a child table on the right and reach the referenced table on the left. */}
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <header className="erd-table-header" title={table.comment ?? undefined}>
        {table.schema !== null && <span className="erd-table-schema">{table.schema}.</span>}
        <span className="erd-table-name">{table.name}</span>
        {kind && <span className="erd-table-kind">{kind}</span>}
      </header>
      {detailed ? <Columns table={table} /> : <div className="erd-columns-far" data-testid="erd-columns-far" />}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

function Columns({ table }: { table: Table }) {
  const marks = keyMarks(table);
  return (
    <ul className="erd-columns">
      {table.columns.map((column) => (
        <li key={column.name} className="erd-column" title={column.comment ?? undefined}>
          <span className="erd-column-keys">
            {(marks.get(column.name) ?? []).map((key) => (
              <abbr key={key} className={`erd-key erd-key-${key.toLowerCase()}`} title={KEY_TITLES[key]}>
                {key}
              </abbr>
            ))}
          </span>
          <span className={clsx("erd-column-name", !column.nullable && "is-required")}>{column.name}</span>
          <span className="erd-column-type">{column.dataType}</span>
        </li>
      ))}
    </ul>
  );
}

export const TableNode = memo(TableNodeView);
