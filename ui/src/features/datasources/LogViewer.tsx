import { useEffect, useMemo, useState } from "react";
import { ArrowDown, ArrowDownToLine, Pause, Play } from "lucide-react";
import { api, type Datasource } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { LogView } from "../../components/log/LogView";
import { LOG_LINE_CAP, LogBuffer, type LogEntry } from "./logBuffer";
import { logLineLevels, type LogLineLevel } from "./logLevels";

const numberFormat = new Intl.NumberFormat();

/** The container's log, live. A failed stream can be opened again, from a fresh buffer. */
export function LogViewer({ datasource }: { datasource: Datasource }) {
  const [attempt, setAttempt] = useState(0);
  return <LogStream key={attempt} datasource={datasource} onRetry={() => setAttempt((count) => count + 1)} />;
}

function LogStream({ datasource, onRetry }: { datasource: Datasource; onRetry: () => void }) {
  const [buffer] = useState(() => new LogBuffer(datasource.engine));
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [held, setHeld] = useState(0);
  const [levels, setLevels] = useState<LogLineLevel[]>([]);
  const [paused, setPaused] = useState(false);
  const [streamError, setStreamError] = useState<unknown>(null);
  const [level, setLevel] = useState<LogLineLevel | "all">("all");
  const [following, setFollowing] = useState(true);

  useEffect(() => {
    let frame: number | undefined;
    let closed = false;
    let streamId: number | null = null;
    // However fast batches come, the view changes once per frame.
    const show = () => {
      frame = undefined;
      if (buffer.flush()) setLines(buffer.lines);
      setHeld(buffer.held);
      setLevels((current) =>
        current.length === buffer.levelsSeen.size
          ? current
          : logLineLevels.map((option) => option.value).filter((value) => buffer.levelsSeen.has(value)),
      );
    };
    api
      .datasourceLogs(datasource.id, (batch) => {
        if (closed) return;
        buffer.receive(batch.lines);
        frame ??= requestAnimationFrame(show);
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
      if (frame !== undefined) cancelAnimationFrame(frame);
      if (streamId !== null) void api.streamStop(streamId).catch(() => undefined);
    };
  }, [buffer, datasource.id]);

  const visible = useMemo(() => (level === "all" ? lines : lines.filter((line) => line.level === level)), [lines, level]);

  const togglePaused = () => {
    const next = !paused;
    buffer.setPaused(next);
    setPaused(next);
    if (!next && buffer.flush()) setLines(buffer.lines);
    setHeld(buffer.held);
  };

  if (streamError !== null) {
    return <ErrorState title="The log could not be opened" error={streamError} onRetry={onRetry} />;
  }

  return (
    <LogView
      lines={visible}
      label={`Log of ${datasource.name}`}
      exportName={`${datasource.name}.log`}
      testId="log-viewer"
      lineTestId="log-line"
      lineClassName={(line) => line.stream === "stderr" && "log-line-stderr"}
      following={following}
      onFollowingChange={setFollowing}
      placeholder={lines.length === 0 && "Waiting for the first lines…"}
      tools={
        <>
          {levels.length > 0 && (
            <select
              className="select select-compact"
              value={level}
              aria-label="Level"
              onChange={(event) => setLevel(event.target.value as LogLineLevel | "all")}
              data-testid="log-level-filter"
            >
              <option value="all">All levels</option>
              {logLineLevels
                .filter((option) => levels.includes(option.value))
                .map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
            </select>
          )}
          <button
            type="button"
            className="button button-secondary button-small"
            aria-pressed={paused}
            onClick={togglePaused}
            data-testid="log-pause"
          >
            {paused ? <Play size={13} aria-hidden /> : <Pause size={13} aria-hidden />}
            {paused ? "Resume" : "Pause"}
          </button>
          <button
            type="button"
            className="button button-secondary button-small"
            aria-pressed={following}
            disabled={following}
            onClick={() => setFollowing(true)}
            title="Keep the newest line in view"
            data-testid="log-follow"
          >
            <ArrowDownToLine size={13} aria-hidden />
            Follow
          </button>
        </>
      }
      footer={
        <>
          <span>
            {numberFormat.format(visible.length)}
            {level === "all" ? "" : ` of ${numberFormat.format(lines.length)}`} lines
            {lines.length >= LOG_LINE_CAP && ` (the oldest are dropped past ${numberFormat.format(LOG_LINE_CAP)})`}
          </span>
          {paused && (
            <span className="log-held" data-testid="log-held">
              Paused · {numberFormat.format(held)} new {held === 1 ? "line" : "lines"} held
            </span>
          )}
          {!following && !paused && (
            <button type="button" className="text-link log-jump" onClick={() => setFollowing(true)}>
              <ArrowDown size={12} aria-hidden />
              Jump to the newest
            </button>
          )}
        </>
      }
    />
  );
}
