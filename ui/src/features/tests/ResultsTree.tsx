import { useMemo, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ChevronDown, ChevronRight, CircleCheck, CircleMinus, CircleX, RotateCcw } from "lucide-react";
import clsx from "clsx";
import type { TestCaseResult, TestStatus } from "../../api";
import type { Counts } from "../../bindings";
import { formatDuration, testKey, treeRows, type TreeRow } from "./results";

const statusIcons: Record<TestStatus, typeof CircleCheck> = { passed: CircleCheck, failed: CircleX, skipped: CircleMinus };

export function StatusIcon({ status }: { status: TestStatus }) {
  const Icon = statusIcons[status];
  return <Icon size={14} className={`test-status test-status-${status}`} aria-label={status} />;
}

function CountsText({ counts }: { counts: Counts }) {
  return (
    <span className="test-tree-counts">
      {counts.failed > 0 && <span className="test-status-failed">{counts.failed} failed</span>}
      <span>{counts.passed} passed</span>
      {counts.skipped > 0 && <span>{counts.skipped} skipped</span>}
    </span>
  );
}

/**
 * The results as a tree, suite → group → test, drawn only where it is in view so that a run of
 * ten thousand tests scrolls and streams smoothly. Arrow keys move the selection.
 */
export function ResultsTree({
  results,
  selected,
  onSelect,
}: {
  results: TestCaseResult[];
  selected: string | null;
  onSelect: (result: TestCaseResult) => void;
}) {
  const [onlyFailed, setOnlyFailed] = useState(false);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const rows = useMemo(() => treeRows(results, onlyFailed, collapsed), [results, onlyFailed, collapsed]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 28,
    overscan: 12,
  });
  const toggle = (key: string) =>
    setCollapsed((previous) => {
      const next = new Set(previous);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  const testRows = rows.filter((row): row is Extract<TreeRow, { kind: "test" }> => row.kind === "test");
  const move = (step: number) => {
    const index = testRows.findIndex((row) => testKey(row.result) === selected);
    const next = testRows[Math.min(testRows.length - 1, Math.max(0, index + step))];
    if (next) {
      onSelect(next.result);
      virtualizer.scrollToIndex(rows.indexOf(next));
    }
  };

  return (
    <div className="test-tree" data-testid="test-tree">
      <div className="test-tree-toolbar">
        <label className="checkbox">
          <input type="checkbox" checked={onlyFailed} onChange={(event) => setOnlyFailed(event.target.checked)} data-testid="test-tree-only-failed" />
          Failures only
        </label>
      </div>
      <div
        ref={scroller}
        className="test-tree-scroller"
        role="tree"
        aria-label="Test results"
        tabIndex={0}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            move(event.key === "ArrowDown" ? 1 : -1);
          }
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            const style = { position: "absolute" as const, top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` };
            if (row.kind === "test") {
              const key = testKey(row.result);
              return (
                <button
                  key={row.key}
                  type="button"
                  role="treeitem"
                  aria-selected={key === selected}
                  className={clsx("test-tree-row test-tree-test", key === selected && "selected")}
                  style={style}
                  onClick={() => onSelect(row.result)}
                  data-testid="test-tree-test"
                  data-test-name={row.result.name}
                  data-status={row.result.status}
                >
                  <StatusIcon status={row.result.status} />
                  <span className="test-tree-name">{row.result.name}</span>
                  {row.result.retried && <RotateCcw size={12} aria-label="passed on a retry" />}
                  <span className="test-tree-duration">{formatDuration(row.result.durationMs)}</span>
                </button>
              );
            }
            const open = !collapsed.has(row.key);
            const Chevron = open ? ChevronDown : ChevronRight;
            return (
              <button
                key={row.key}
                type="button"
                role="treeitem"
                aria-expanded={open}
                className={clsx("test-tree-row", row.kind === "suite" ? "test-tree-suite" : "test-tree-group")}
                style={style}
                onClick={() => toggle(row.key)}
                data-testid={row.kind === "suite" ? "test-tree-suite" : "test-tree-group"}
              >
                <Chevron size={14} aria-hidden />
                <span className="test-tree-name">{row.kind === "suite" ? row.suite : row.group}</span>
                <CountsText counts={row.counts} />
              </button>
            );
          })}
        </div>
      </div>
    </div>
  );
}
