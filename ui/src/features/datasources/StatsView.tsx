import { useEffect, useState } from "react";
import { api, type Datasource, type StatsSample } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { formatBytes } from "./pullProgress";

/** How much history the charts show. */
const WINDOW_MS = 5 * 60_000;

/** A sample as the charts use it. The core sends a value it could not compute (NaN) as null. */
type Reading = { at: number; cpuPercent: number | null; memoryBytes: number | null; memoryLimitBytes: number | null };

const reading = (sample: StatsSample): Reading => ({
  at: sample.timestampMs ?? Date.now(),
  cpuPercent: sample.cpuPercent,
  memoryBytes: sample.memoryBytes,
  memoryLimitBytes: sample.memoryLimitBytes || null,
});

const known = (values: (number | null)[]) => values.filter((value): value is number => value !== null);

/** CPU and memory of the container, sampled about once a second while this is on screen. */
export function StatsView({ datasource }: { datasource: Datasource }) {
  const [attempt, setAttempt] = useState(0);
  return <StatsStream key={attempt} datasource={datasource} onRetry={() => setAttempt((count) => count + 1)} />;
}

function StatsStream({ datasource, onRetry }: { datasource: Datasource; onRetry: () => void }) {
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

  if (streamError !== null) {
    return <ErrorState title="The statistics could not be opened" error={streamError} onRetry={onRetry} />;
  }

  const latest = samples.at(-1);
  const peakCpu = Math.max(100, ...known(samples.map((sample) => sample.cpuPercent)));
  const peakMemory = Math.max(1, ...known(samples.map((sample) => sample.memoryBytes)));
  // An unlimited container reports the host's memory as its limit, which would flatten the line.
  const memoryScale = Math.min(latest?.memoryLimitBytes ?? Infinity, peakMemory * 1.25);

  return (
    <div className="stats" data-testid="stats-view">
      <section className="panel stats-card">
        <div className="stats-heading">
          <h2 className="panel-title">CPU</h2>
          <span className="stats-value" data-testid="stats-cpu">
            {latest?.cpuPercent != null ? `${latest.cpuPercent.toFixed(1)} %` : "—"}
          </span>
        </div>
        <Sparkline samples={samples} value={(sample) => sample.cpuPercent} max={peakCpu} label="CPU use over the last 5 minutes" />
      </section>
      <section className="panel stats-card">
        <div className="stats-heading">
          <h2 className="panel-title">Memory</h2>
          <span className="stats-value" data-testid="stats-memory">
            {latest?.memoryBytes == null
              ? "—"
              : latest.memoryLimitBytes
                ? `${formatBytes(latest.memoryBytes)} of ${formatBytes(latest.memoryLimitBytes)}`
                : formatBytes(latest.memoryBytes)}
          </span>
        </div>
        <Sparkline samples={samples} value={(sample) => sample.memoryBytes} max={memoryScale} label="Memory use over the last 5 minutes" />
      </section>
      <p className="muted small">
        {samples.length === 0 ? "Waiting for the first sample…" : "The last 5 minutes, sampled about once a second while this page is open."}
      </p>
    </div>
  );
}

const WIDTH = 600;
const HEIGHT = 120;

type SparklineProps = { samples: Reading[]; value: (sample: Reading) => number | null; max: number; label: string };

/** A line over the time window, newest on the right; the area under it is shaded. */
function Sparkline({ samples, value, max, label }: SparklineProps) {
  const end = samples.at(-1)?.at ?? 0;
  const points = samples.flatMap((sample) => {
    const measured = value(sample);
    if (measured === null) return [];
    const x = ((sample.at - (end - WINDOW_MS)) / WINDOW_MS) * WIDTH;
    const y = HEIGHT - (Math.min(measured, max) / max) * (HEIGHT - 4);
    return [`${x.toFixed(1)},${y.toFixed(1)}`];
  });
  const firstX = points[0]?.split(",")[0];
  return (
    <svg className="sparkline" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={label}>
      {points.length > 1 && (
        <>
          <polygon className="sparkline-area" points={`${firstX},${HEIGHT} ${points.join(" ")} ${WIDTH},${HEIGHT}`} />
          <polyline className="sparkline-line" points={points.join(" ")} vectorEffect="non-scaling-stroke" />
        </>
      )}
    </svg>
  );
}
