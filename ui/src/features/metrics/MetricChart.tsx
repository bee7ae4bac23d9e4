import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatBytes } from "../datasources/pullProgress";

export type ChartUnit = "percent" | "bytes" | "rate";

export type ChartSeries = { label: string; values: (number | null)[]; color: string };

type MetricChartProps = {
  title: string;
  unit: ChartUnit;
  /** Unix seconds. */
  times: number[];
  series: ChartSeries[];
  /** The time window shown (Unix seconds), whatever the data covers. */
  window: [number, number];
  testId: string;
};

const HEIGHT = 170;

function formatValue(unit: ChartUnit, value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (unit === "percent") return `${value.toFixed(1)} %`;
  if (unit === "bytes") return formatBytes(value);
  return `${formatBytes(value)}/s`;
}

/**
 * One metric over time with uPlot: a time axis, the values under the cursor in the legend, drag
 * across to zoom in, double-click to zoom back out. Follows the theme's colours.
 */
export function MetricChart({ title, unit, times, series, window, testId }: MetricChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const shape = `${unit}:${series.map((s) => s.label).join(",")}`;

  // The chart is made once per shape; new data only replaces its columns (no flicker, zoom kept).
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const style = getComputedStyle(element);
    const text = style.getPropertyValue("--text-muted").trim() || "#888";
    const grid = style.getPropertyValue("--border").trim() || "#8884";
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const labels = shape.split(":")[1].split(",");
    chart.current = new uPlot(
      {
        width: element.clientWidth || 500,
        height: HEIGHT,
        scales: { y: { range: (_u, _min, max) => [0, Math.max(unit === "percent" ? 100 : 1000, max * 1.15)] } },
        axes: [axis, { ...axis, size: 70, values: (_u, values) => values.map((value) => formatValue(unit, value)) }],
        series: [
          {},
          ...labels.map((label, index) => ({
            label,
            stroke: series[index]?.color ?? "#4c6ef5",
            width: 1.5,
            fill: index === 0 ? `${series[index]?.color ?? "#4c6ef5"}22` : undefined,
            value: (_u: uPlot, value: number | null) => formatValue(unit, value),
          })),
        ],
        cursor: { drag: { x: true, y: false } },
        legend: { show: true },
      },
      [[], ...labels.map(() => [])],
      element,
    );
    const resize = new ResizeObserver(() => chart.current?.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
    // `series` colours are fixed per shape; its values go through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, unit]);

  const [from, to] = window;
  useEffect(() => {
    const current = chart.current;
    if (!current) return;
    current.setData([times, ...series.map((s) => s.values)] as uPlot.AlignedData, false);
    // The whole window, not just the span the data covers (a new range also undoes a zoom).
    current.setScale("x", { min: from, max: to });
  }, [times, series, from, to]);

  const latest = series.map((s) => formatValue(unit, s.values.at(-1)));
  return (
    <section className="panel metric-chart" data-testid={testId} data-points={times.length}>
      <div className="stats-heading">
        <h2 className="panel-title">{title}</h2>
        <span className="stats-value" data-testid={`${testId}-latest`}>
          {latest.join(" · ")}
        </span>
      </div>
      <div ref={host} role="img" aria-label={`${title} over time, ${times.length} points`} />
    </section>
  );
}
