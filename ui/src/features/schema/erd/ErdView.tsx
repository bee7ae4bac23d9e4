import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type DefaultEdgeOptions,
  type NodeMouseHandler,
  type NodeTypes,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from "react";
import type { Schema } from "../../../api";
import { useResolvedTheme } from "../../../app/useResolvedTheme";
import { findTables, layoutSchema, type Layout, type TableNode as TableNodeType } from "./layout";
import { TableNode } from "./TableNode";
import "./erd.css";

type ErdViewProps = {
  schema: Schema;
  selected: string | null;
  onSelect: (qualifiedName: string | null) => void;
};

const nodeTypes: NodeTypes = { table: TableNode };
const defaultEdgeOptions: DefaultEdgeOptions = { markerEnd: { type: MarkerType.ArrowClosed } };
const FOCUS_DURATION = 400;
/**
 * Past this many tables the whole diagram is drawn only when asked: at 500 tables WebKit took
 * gigabytes drawing it (scripts/erd-bench.mjs), so a large schema starts from one table's
 * neighbours instead.
 */
export const LARGE_SCHEMA = 150;

/** The schema as a diagram: tables as boxes, an arrow from each foreign key to what it references. */
export function ErdView(props: ErdViewProps) {
  // useReactFlow (fitView) needs the provider above the component that calls it.
  return (
    <ReactFlowProvider>
      <ErdCanvas {...props} />
    </ReactFlowProvider>
  );
}

function ErdCanvas({ schema, selected, onSelect }: ErdViewProps) {
  const colorMode = useResolvedTheme();
  const { fitView } = useReactFlow();
  const [neighboursOnly, setNeighboursOnly] = useState(false);
  const [drawAll, setDrawAll] = useState(false);
  const large = schema.tables.length > LARGE_SCHEMA && !drawAll;
  const around = neighboursOnly || large ? selected : null;
  const held = large && around === null;
  const { layout, failed } = useLayout(schema, around, held);

  const nodes = useMemo(
    () => (layout?.nodes ?? []).map((node) => (node.id === selected ? { ...node, selected: true } : node)),
    [layout, selected],
  );
  const edges = useMemo(
    () =>
      (layout?.edges ?? []).map((edge) =>
        edge.source === selected || edge.target === selected ? { ...edge, className: "is-active" } : edge,
      ),
    [layout, selected],
  );

  // Each new layout (another schema, the neighbourhood toggled or moved) is framed whole.
  useEffect(() => {
    if (layout) void fitView({ duration: FOCUS_DURATION });
  }, [layout, fitView]);

  const focusTable = (name: string) => {
    onSelect(name);
    // With only the neighbours shown, another table's layout is framed by the effect above.
    if ((!neighboursOnly && !large) || name === selected) void fitView({ nodes: [{ id: name }], duration: FOCUS_DURATION, maxZoom: 1.2 });
  };

  const onNodeClick: NodeMouseHandler<TableNodeType> = (_event, node) => onSelect(node.id);

  return (
    <div className="erd" data-testid="erd">
      <div className="erd-toolbar">
        <TableSearch schema={schema} onPick={focusTable} />
        <button
          type="button"
          className="button button-secondary button-small"
          data-testid="erd-neighbours"
          aria-pressed={neighboursOnly || large}
          disabled={large}
          title={
            large
              ? "A schema this large is shown a table and its neighbours at a time"
              : selected
                ? undefined
                : "Select a table to see only it and its neighbours"
          }
          onClick={() => setNeighboursOnly((on) => !on)}
        >
          Only its neighbours
        </button>
      </div>
      {held ? (
        <div className="erd-held" data-testid="erd-held">
          <p>
            {schema.tables.length.toLocaleString()} tables are a lot to draw at once. Find a table above (or pick one in the
            list) to see it with its neighbours.
          </p>
          <button type="button" className="button button-secondary" onClick={() => setDrawAll(true)} data-testid="erd-draw-all">
            Draw all {schema.tables.length.toLocaleString()} tables (slow, uses a lot of memory)
          </button>
        </div>
      ) : failed ? (
        <p className="erd-held" role="alert" data-testid="erd-failed">
          The diagram could not be laid out: {failed}
        </p>
      ) : (
        <div className="erd-canvas" aria-busy={layout === null}>
          {layout === null && (
            <p className="erd-laying-out" role="status" data-testid="erd-laying-out">
              Laying out the diagram…
            </p>
          )}
          <ReactFlow<TableNodeType>
            // Its link would take the app's window to a web page.
            proOptions={{ hideAttribution: true }}
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            defaultEdgeOptions={defaultEdgeOptions}
            colorMode={colorMode}
            onNodeClick={onNodeClick}
            nodesDraggable={false}
            nodesConnectable={false}
            minZoom={0.05}
            // A large diagram does not fit the window even at the smallest zoom: the tables
            // outside the view are not drawn.
            onlyRenderVisibleElements={nodes.length > LARGE_SCHEMA}
            fitView
          >
            <Background />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable nodeStrokeWidth={3} />
          </ReactFlow>
        </div>
      )}
    </div>
  );
}

const HELD = { layout: { nodes: [], edges: [] } as Layout, failed: null };

/**
 * The layout of what is shown, from the core. The one before stays on screen until the next
 * comes (a neighbourhood moved), and a layout that arrives after another was asked for is dropped.
 */
function useLayout(schema: Schema, around: string | null, held: boolean) {
  const [state, setState] = useState<{ layout: Layout | null; failed: string | null }>({ layout: null, failed: null });
  useEffect(() => {
    if (held) return;
    let current = true;
    layoutSchema(schema, around).then(
      (layout) => current && setState({ layout, failed: null }),
      (error: unknown) => current && setState({ layout: null, failed: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [schema, around, held]);
  return held ? HELD : state;
}

/** A combobox over the tables' names: Enter, or a click on a match, picks one. */
function TableSearch({ schema, onPick }: { schema: Schema; onPick: (name: string) => void }) {
  const id = useId();
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => findTables(schema, query), [schema, query]);
  const expanded = open && matches.length > 0;

  const pick = (name: string) => {
    setQuery(name);
    setOpen(false);
    onPick(name);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setOpen(true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((index) => (matches.length ? (index + step + matches.length) % matches.length : 0));
    } else if (event.key === "Enter") {
      const name = matches[active] ?? matches[0];
      if (name) {
        event.preventDefault();
        pick(name);
      }
    } else if (event.key === "Escape") {
      setOpen(false);
    }
  };

  return (
    <div className="erd-search">
      <label className="visually-hidden" htmlFor={`${id}-input`}>
        Find a table
      </label>
      <input
        id={`${id}-input`}
        className="input"
        type="search"
        placeholder="Find a table"
        data-testid="erd-search"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${id}-list`}
        aria-activedescendant={expanded ? `${id}-option-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <ul id={`${id}-list`} role="listbox" aria-label="Matching tables" className="erd-search-list" hidden={!expanded}>
        {matches.map((name, index) => (
          <li
            key={name}
            id={`${id}-option-${index}`}
            role="option"
            aria-selected={index === active}
            // mousedown, not click: picking must happen before the input's blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault();
              pick(name);
            }}
          >
            {name}
          </li>
        ))}
      </ul>
    </div>
  );
}
