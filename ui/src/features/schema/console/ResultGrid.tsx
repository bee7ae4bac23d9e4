import { useEffect, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import clsx from "clsx";
import { api, type RunStatus } from "../../../api";
import { Dialog } from "../../../components/Dialog";
import { cellView, columnKind, fullValue, PAGE_SIZE, pagesFor, type ColumnKind } from "./pages";

const ROW_HEIGHT = 26;

/**
 * The run's rows, virtualized: only the rows on screen are in the DOM, and only their pages are
 * fetched from the core, so a result of a million rows never sits in the window. NULL, the empty
 * string, JSON, bytes and times each look their own; double-click (or Enter on) a cell to see it
 * whole.
 */
export function ResultGrid({ status }: { status: RunStatus }) {
  const scroller = useRef<HTMLDivElement>(null);
  const pages = useRef(new Map<number, (string | null)[][]>());
  const loading = useRef(new Set<number>());
  const [, setVersion] = useState(0);
  const [viewing, setViewing] = useState<{ column: string; value: string | null; kind: ColumnKind } | null>(null);
  const virtualizer = useVirtualizer({
    count: status.rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;

  useEffect(() => {
    for (const page of pagesFor(first, last)) {
      const have = pages.current.get(page);
      const full = have !== undefined && (have.length === PAGE_SIZE || have.length >= status.rows - page * PAGE_SIZE);
      if (full || loading.current.has(page)) continue;
      loading.current.add(page);
      void api
        .consolePage(status.id, page * PAGE_SIZE, PAGE_SIZE)
        .then((rows) => {
          pages.current.set(page, rows);
          setVersion((v) => v + 1);
        })
        .finally(() => loading.current.delete(page));
    }
  }, [first, last, status.id, status.rows]);

  const kinds = status.columns.map((c) => columnKind(c.typeName));
  const template = `56px repeat(${Math.max(status.columns.length, 1)}, minmax(120px, 1fr))`;
  return (
    <div className="console-grid" role="grid" aria-rowcount={status.rows} data-testid="console-grid">
      <div className="console-grid-header" role="row" style={{ gridTemplateColumns: template }}>
        <span className="console-grid-index" aria-hidden>
          #
        </span>
        {status.columns.map((column) => (
          <span key={column.name} role="columnheader" title={column.typeName}>
            {column.name} <span className="muted small">{column.typeName}</span>
          </span>
        ))}
      </div>
      <div ref={scroller} className="console-grid-body">
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((item) => {
            const row = pages.current.get(Math.floor(item.index / PAGE_SIZE))?.[item.index % PAGE_SIZE];
            return (
              <div
                key={item.key}
                role="row"
                className="console-grid-row"
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                data-testid="console-row"
              >
                <span className="console-grid-index">{item.index + 1}</span>
                {status.columns.map((column, i) => {
                  if (!row) return <span key={column.name} className="muted" role="gridcell" />;
                  const value = row[i] ?? null;
                  const cell = cellView(value, kinds[i]!);
                  const open = () => setViewing({ column: column.name, value, kind: kinds[i]! });
                  return (
                    <span
                      key={column.name}
                      role="gridcell"
                      tabIndex={-1}
                      title={cell.text}
                      className={clsx("mono", `console-cell-${cell.kind}`)}
                      onDoubleClick={open}
                      onKeyDown={(event) => {
                        if (event.key === "Enter") open();
                      }}
                      data-kind={cell.kind}
                    >
                      {cell.text}
                    </span>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
      <Dialog
        open={viewing !== null}
        title={viewing?.column ?? ""}
        onClose={() => setViewing(null)}
        testId="console-cell-dialog"
        description={<pre className="console-cell-full selectable">{viewing ? fullValue(viewing.value, viewing.kind) : ""}</pre>}
      >
        <footer className="dialog-footer">
          <button type="button" className="button button-primary" onClick={() => setViewing(null)} data-autofocus>
            Close
          </button>
        </footer>
      </Dialog>
    </div>
  );
}
