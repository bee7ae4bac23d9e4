import { useEffect, useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, type Datasource, type StatsSample } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ErrorState } from "../../components/ErrorState";
import { SkeletonRows } from "../../components/Skeleton";
import { MetricChart } from "../metrics/MetricChart";
import { historyColumns, ranges, stepLabel, type RangeId } from "../metrics/ranges";
import "../metrics/metrics.css";

/** How much the live charts show. */
const WINDOW_MS = 5 * 60_000;

const CPU = "#4c6ef5";
const MEMORY = "#2f9e44";
const SECOND = "#e8590c";

/** A sample as the charts use it. The core sends a value it could not compute (NaN) as null. */
type Reading = { at: number; cpuPercent: number | null; memoryBytes: number | null };

const reading = (sample: StatsSample): Reading => ({
  at: sample.timestampMs ?? Date.now(),
  cpuPercent: sample.cpuPercent,
  memoryBytes: sample.memoryBytes,
});

/**
 * The container's CPU, memory, network and block I/O: live (sampled about once a second while on
 * screen) or over a kept range (the core samples every 10 s in the background, rolled up to
 * 5 minutes past a day, kept 30 days).
 */
export function StatsView({ datasource }: { datasource: Datasource }) {
  const [range, setRange] = useState<RangeId>("live");
  const [attempt, setAttempt] = useState(0);
  return (
    <div className="stats" data-testid="stats-view">
      <div className="tabs metric-ranges" role="radiogroup" aria-label="Time range">
        {ranges.map((option) => (
          <button
            key={option.id}
            type="button"
            role="radio"
            aria-checked={range === option.id}
            className={range === option.id ? "tab active" : "tab"}
            onClick={() => setRange(option.id)}
            data-testid={`stats-range-${option.id}`}
          >
            {option.label}
          </button>
        ))}
      </div>
      {range === "live" ? (
        <LiveCharts key={attempt} datasource={datasource} onRetry={() => setAttempt((count) => count + 1)} />
      ) : (
        <HistoryCharts datasource={datasource} seconds={ranges.find((option) => option.id === range)?.seconds ?? 3600} />
      )}
    </div>
  );
}

function LiveCharts({ datasource, onRetry }: { datasource: Datasource; onRetry: () => void }) {
  const [samples, setSamples] = useState<Reading[]>([]);
  const [streamError, setStreamError] = useState<unknown>(null);

  useEffect(() => {
    let closed = false;
    let streamId: number | null = null;
    api
      .datasourceStats(datasource.id, (sample) => {
        if (closed) return;
        const next = reading(sample);
        setSamples((current) => [...current.filter((earlier) => earlier.at > next.at - WINDOW_MS), next]);
      })
      .then(
        (id) => {
          if (closed) void api.streamStop(id).catch(() => undefined);
          else streamId = id;
        },
        (error: unknown) => {
          if (!closed) setStreamError(error);
        },
      );
    return () => {
      closed = true;
      if (streamId !== null) void api.streamStop(streamId).catch(() => undefined);
    };
  }, [datasource.id]);

  const times = useMemo(() => samples.map((sample) => sample.at / 1000), [samples]);
  // Before the first sample the window's end does not matter: there is nothing to draw.
  const end = times.at(-1) ?? 0;
  const window: [number, number] = [end - WINDOW_MS / 1000, end];
  const cpu = useMemo(() => [{ label: "CPU", values: samples.map((s) => s.cpuPercent), color: CPU }], [samples]);
  const memory = useMemo(() => [{ label: "Memory", values: samples.map((s) => s.memoryBytes), color: MEMORY }], [samples]);

  if (streamError !== null) return <ErrorState title="The statistics could not be opened" error={streamError} onRetry={onRetry} />;
  return (
    <>
      <MetricChart title="CPU" unit="percent" times={times} series={cpu} window={window} testId="stats-cpu" />
      <MetricChart title="Memory" unit="bytes" times={times} series={memory} window={window} testId="stats-memory" />
      <p className="muted small">
        {samples.length === 0 ? "Waiting for the first sample…" : "The last 5 minutes, sampled about once a second while this page is open."}
      </p>
    </>
  );
}

function HistoryCharts({ datasource, seconds }: { datasource: Datasource; seconds: number }) {
  const history = useQuery({
    queryKey: queryKeys.metricsHistory(datasource.id, seconds),
    queryFn: async () => ({ read: await api.metricsHistory(datasource.id, seconds), at: Date.now() / 1000 }),
  });
  const columns = useMemo(() => (history.data ? historyColumns(history.data.read) : null), [history.data]);
  const series = useMemo(
    () =>
      columns && {
        cpu: [{ label: "CPU", values: columns.cpu, color: CPU }],
        memory: [{ label: "Memory", values: columns.memory, color: MEMORY }],
        network: [
          { label: "Received", values: columns.rx, color: CPU },
          { label: "Sent", values: columns.tx, color: SECOND },
        ],
        block: [
          { label: "Read", values: columns.read, color: MEMORY },
          { label: "Written", values: columns.write, color: SECOND },
        ],
      },
    [columns],
  );

  if (history.isPending) return <SkeletonRows rows={4} label="Reading the history" />;
  if (history.isError) return <ErrorState title="The history could not be read" error={history.error} onRetry={() => void history.refetch()} />;
  if (!columns || !series || columns.times.length === 0)
    return (
      <p className="muted" data-testid="stats-history-empty">
        No history in this range yet: the app samples running databases every 10 seconds while it runs.
      </p>
    );
  const window: [number, number] = [history.data.at - seconds, history.data.at];
  return (
    <>
      <MetricChart title="CPU" unit="percent" times={columns.times} series={series.cpu} window={window} testId="stats-cpu" />
      <MetricChart title="Memory" unit="bytes" times={columns.times} series={series.memory} window={window} testId="stats-memory" />
      <MetricChart title="Network" unit="rate" times={columns.times} series={series.network} window={window} testId="stats-network" />
      <MetricChart title="Disk I/O" unit="rate" times={columns.times} series={series.block} window={window} testId="stats-block" />
      <p className="muted small" data-testid="stats-history-note">
        One point {stepLabel(history.data.read.stepSecs)}, averaged. Drag across a chart to zoom in; double-click to zoom out.
      </p>
    </>
  );
}
