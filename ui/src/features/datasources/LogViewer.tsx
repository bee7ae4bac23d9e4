import { useEffect, useMemo, useState } from "react";
import { api, type Datasource } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { LiveLogFooter, PauseFollow } from "../../components/log/LogControls";
import { LogView } from "../../components/log/LogView";
import { LOG_LINE_CAP, LogBuffer, type LogEntry } from "./logBuffer";
import { logLineLevels, type LogLineLevel } from "./logLevels";

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

  const setPausedTo = (next: boolean) => {
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
          <PauseFollow paused={paused} onPausedChange={setPausedTo} following={following} onFollow={() => setFollowing(true)} />
        </>
      }
      footer={
        <LiveLogFooter
          shown={visible.length}
          total={lines.length}
          cap={LOG_LINE_CAP}
          paused={paused}
          held={held}
          following={following}
          onFollow={() => setFollowing(true)}
        />
      }
    />
  );
}
