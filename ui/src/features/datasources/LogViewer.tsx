import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ArrowDown, ArrowDownToLine, ChevronDown, ChevronUp, Download, Pause, Play, Search } from "lucide-react";
import clsx from "clsx";
import { api, type Datasource } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { markMatches, parseAnsi, type AnsiSegment } from "./ansi";
import { LOG_LINE_CAP, LogBuffer, type LogEntry } from "./logBuffer";
import { logLineLevels, type LogLineLevel } from "./logLevels";

const ROW_HEIGHT = 18;
const numberFormat = new Intl.NumberFormat();

/** The container's log, live. A failed stream can be opened again, from a fresh buffer. */
export function LogViewer({ datasource }: { datasource: Datasource }) {
  const [attempt, setAttempt] = useState(0);
  return <LogStream key={attempt} datasource={datasource} onRetry={() => setAttempt((count) => count + 1)} />;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function LogStream({ datasource, onRetry }: { datasource: Datasource; onRetry: () => void }) {
  const [buffer] = useState(() => new LogBuffer(datasource.engine));
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [held, setHeld] = useState(0);
  const [levels, setLevels] = useState<LogLineLevel[]>([]);
  const [paused, setPaused] = useState(false);
  const [streamError, setStreamError] = useState<unknown>(null);
  const [level, setLevel] = useState<LogLineLevel | "all">("all");
  const [query, setQuery] = useState("");
  const [currentMatchId, setCurrentMatchId] = useState<number | null>(null);
  const [following, setFollowing] = useState(true);
  const scroller = useRef<HTMLDivElement>(null);

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
  const matches = useMemo(() => {
    if (query === "") return [];
    const needle = new RegExp(escapeRegExp(query), "i");
    const found: number[] = [];
    visible.forEach((line, index) => {
      if (needle.test(line.text)) found.push(index);
    });
    return found;
  }, [visible, query]);
  const matchPosition = matches.findIndex((index) => visible[index].id === currentMatchId);

  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => visible[index].id,
    overscan: 30,
  });

  useLayoutEffect(() => {
    const element = scroller.current;
    if (following && element) element.scrollTop = element.scrollHeight;
  }, [following, visible]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    // Scrolling up stops following; scrolling back to the end resumes it.
    setFollowing(element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT);
  };

  const goToMatch = (step: 1 | -1) => {
    if (matches.length === 0) return;
    const position =
      matchPosition === -1
        ? step === 1
          ? 0
          : matches.length - 1
        : (matchPosition + step + matches.length) % matches.length;
    const index = matches[position];
    setCurrentMatchId(visible[index].id);
    setFollowing(false);
    virtualizer.scrollToIndex(index, { align: "center" });
  };

  const onSearchKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter") {
      event.preventDefault();
      goToMatch(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape" && query !== "") {
      event.preventDefault();
      setQuery("");
    }
  };

  const togglePaused = () => {
    const next = !paused;
    buffer.paused = next;
    setPaused(next);
    if (!next && buffer.flush()) setLines(buffer.lines);
    setHeld(buffer.held);
  };

  const exportLog = () => {
    const url = URL.createObjectURL(new Blob([buffer.text()], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `${datasource.name}.log`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  if (streamError !== null) {
    return <ErrorState title="The log could not be opened" error={streamError} onRetry={onRetry} />;
  }

  return (
    <div className="log-viewer" data-testid="log-viewer">
      <div className="log-toolbar" role="toolbar" aria-label="Log">
        <div className="search log-search">
          <Search size={14} className="search-icon" aria-hidden />
          <input
            className="input search-input"
            type="search"
            value={query}
            placeholder="Search the log"
            aria-label="Search the log"
            spellCheck={false}
            onChange={(event) => {
              setQuery(event.target.value);
              setCurrentMatchId(null);
            }}
            onKeyDown={onSearchKeyDown}
            data-testid="log-search-input"
          />
        </div>
        {query !== "" && (
          <>
            <span className="log-match-count" aria-live="polite" data-testid="log-match-count">
              {matches.length === 0
                ? "No matches"
                : matchPosition === -1
                  ? `${numberFormat.format(matches.length)} matches`
                  : `${numberFormat.format(matchPosition + 1)} of ${numberFormat.format(matches.length)}`}
            </span>
            <button
              type="button"
              className="icon-button"
              aria-label="Previous match"
              title="Previous match (Shift+Enter)"
              disabled={matches.length === 0}
              onClick={() => goToMatch(-1)}
              data-testid="log-previous-match"
            >
              <ChevronUp size={15} aria-hidden />
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label="Next match"
              title="Next match (Enter)"
              disabled={matches.length === 0}
              onClick={() => goToMatch(1)}
              data-testid="log-next-match"
            >
              <ChevronDown size={15} aria-hidden />
            </button>
          </>
        )}
        <div className="log-toolbar-end">
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
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={exportLog}
            disabled={lines.length === 0}
            title={`Save the lines in memory as ${datasource.name}.log`}
            data-testid="log-export"
          >
            <Download size={13} aria-hidden />
            Export
          </button>
        </div>
      </div>
      <div className="log-scroller" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label={`Log of ${datasource.name}`}>
        <div className="log-lines" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = visible[item.index];
            return (
              <div
                key={item.key}
                className={clsx(
                  "log-line",
                  line.stream === "stderr" && "log-line-stderr",
                  line.id === currentMatchId && "log-line-current",
                )}
                style={{ transform: `translateY(${item.start}px)` }}
                data-testid="log-line"
                data-current-match={line.id === currentMatchId ? "true" : undefined}
              >
                <LogLineText line={line} query={query} />
              </div>
            );
          })}
        </div>
        {lines.length === 0 && <p className="log-waiting">Waiting for the first lines…</p>}
      </div>
      <div className="log-status" data-testid="log-status">
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
      </div>
    </div>
  );
}

const segmentClass = (segment: AnsiSegment & { match?: boolean }) =>
  clsx(
    segment.fg !== null && `ansi-fg-${segment.fg}`,
    segment.bg !== null && `ansi-bg-${segment.bg}`,
    segment.bold && "ansi-bold",
    segment.match && "log-match",
  ) || undefined;

function LogLineText({ line, query }: { line: LogEntry; query: string }) {
  if (line.raw === null && query === "") return line.text || " ";
  const segments = line.raw === null ? [{ text: line.text, fg: null, bg: null, bold: false }] : parseAnsi(line.raw);
  return markMatches(segments, query).map((segment, index) => (
    <span key={index} className={segmentClass(segment)}>
      {segment.text}
    </span>
  ));
}
