import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { TrendPoint } from "../../api";

/** Pass rate (left axis, %) and duration (right axis, s) of the kept runs, oldest first. */
export function TrendChart({ points }: { points: TrendPoint[] }) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = host.current;
    if (!element || points.length === 0) return;
    const data: uPlot.AlignedData = [
      points.map((_, index) => index + 1),
      points.map((p) => (p.passRate === null ? null : Math.round(p.passRate * 1000) / 10)),
      points.map((p) => (p.durationMs === null ? null : p.durationMs / 1000)),
    ];
    const style = getComputedStyle(element);
    const text = style.getPropertyValue("--text-muted").trim() || "#888";
    const grid = style.getPropertyValue("--border").trim() || "#8884";
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const chart = new uPlot(
      {
        width: element.clientWidth || 600,
        height: 180,
        scales: { x: { time: false }, rate: { range: [0, 100] }, seconds: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [
          // Whole runs only: no "run 1.5" between two.
          { ...axis, label: "Run", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] },
          { ...axis, scale: "rate", label: "Pass rate %" },
          { ...axis, scale: "seconds", side: 1, label: "Duration s" },
        ],
        series: [
          { label: "Run" },
          { label: "Pass rate", scale: "rate", stroke: "#2f9e44", width: 2, points: { show: true } },
          { label: "Duration", scale: "seconds", stroke: "#4c6ef5", width: 1.5, dash: [4, 4] },
        ],
        legend: { show: true },
      },
      data,
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: 180 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [points]);

  return <div ref={host} className="test-trend" role="img" aria-label={`Pass rate and duration of ${points.length} runs`} data-testid="test-trend" />;
}
