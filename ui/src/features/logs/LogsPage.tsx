import { useMemo, useState, type ReactNode } from "react";
import { useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Radio } from "lucide-react";
import { toast } from "sonner";
import clsx from "clsx";
import { api, errorMessage, type LogLineLevel, type LogSource } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { LiveLogFooter, PauseFollow } from "../../components/log/LogControls";
import { LogView } from "../../components/log/LogView";
import { PageHeader } from "../../components/PageHeader";
import { projectQuery } from "../projects/queries";
import { PROJECT_LOG_CAP, type ProjectLogFilter, type ProjectLogLine } from "./projectLogBuffer";
import { useProjectLog } from "./useProjectLog";
import "./logs.css";

const numberFormat = new Intl.NumberFormat();
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3, hour12: false });

/** How far back the page reads; the live tail follows in every case. */
const ranges = [
  { key: "15m", label: "Last 15 minutes", ms: 15 * 60_000 },
  { key: "1h", label: "Last hour", ms: 60 * 60_000 },
  { key: "24h", label: "Last 24 hours", ms: 24 * 60 * 60_000 },
  { key: "7d", label: "Last 7 days", ms: 7 * 24 * 60 * 60_000 },
  { key: "all", label: "All that is kept", ms: null },
] as const;
type RangeKey = (typeof ranges)[number]["key"];

const levels: { value: LogLineLevel | "all"; label: string }[] = [
  { value: "all", label: "Every line" },
  { value: "debug", label: "Debug and up" },
  { value: "info", label: "Info and up" },
  { value: "warning", label: "Warnings and errors" },
  { value: "error", label: "Errors" },
];

const levelLabels: Record<LogLineLevel, string> = { debug: "DEBUG", info: "INFO", warning: "WARN", error: "ERROR" };

const sinceOf = (key: RangeKey) => {
  const ms = ranges.find((range) => range.key === key)?.ms ?? null;
  return ms === null ? null : Date.now() - ms;
};

/**
 * The project's one log: its datasources' containers, its test runs and the app's own lines
 * about it, merged by time; live, with pause, search (text or regular expression), filters by
 * source and level, a time range, and an export of what the filters show.
 */
export default function LogsPage() {
  const projectId = Number(useParams().projectId);
  const project = useQuery(projectQuery(projectId));
  const [range, setRange] = useState<RangeKey>("1h");
  const [sinceMs, setSinceMs] = useState(() => sinceOf("1h"));
  const [attempt, setAttempt] = useState(0);
  const [hiddenSources, setHiddenSources] = useState<ReadonlySet<number>>(new Set());
  const [minLevel, setMinLevel] = useState<LogLineLevel | null>(null);

  const chooseRange = (key: RangeKey) => {
    setRange(key);
    setSinceMs(sinceOf(key));
  };

  return (
    <div className="page logs-page" data-testid="logs-page">
      <PageHeader
        title="Logs"
        description="The project's datasources, test runs and the app's own lines about it, merged by time. Deployed containers join when the project has deploys."
      />
      <ProjectLog
        // A new range or a retry opens a fresh stream.
        key={`${sinceMs}-${attempt}`}
        projectId={projectId}
        projectName={project.data?.name ?? "project"}
        sinceMs={sinceMs}
        range={range}
        onRange={chooseRange}
        onRetry={() => setAttempt((count) => count + 1)}
        hiddenSources={hiddenSources}
        onHiddenSources={setHiddenSources}
        minLevel={minLevel}
        onMinLevel={setMinLevel}
      />
    </div>
  );
}

type ProjectLogProps = {
  projectId: number;
  projectName: string;
  sinceMs: number | null;
  range: RangeKey;
  onRange: (range: RangeKey) => void;
  onRetry: () => void;
  hiddenSources: ReadonlySet<number>;
  onHiddenSources: (hidden: ReadonlySet<number>) => void;
  minLevel: LogLineLevel | null;
  onMinLevel: (level: LogLineLevel | null) => void;
};

function ProjectLog({
  projectId,
  projectName,
  sinceMs,
  range,
  onRange,
  onRetry,
  hiddenSources,
  onHiddenSources,
  minLevel,
  onMinLevel,
}: ProjectLogProps) {
  const log = useProjectLog(projectId, sinceMs);
  const paused = log.paused;
  const [following, setFollowing] = useState(true);

  const filter: ProjectLogFilter = useMemo(() => ({ hiddenSources, minLevel }), [hiddenSources, minLevel]);
  // The buffer keeps the shown lines up to date as lines come; `log` changes with every batch.
  const shown = useMemo(() => log.buffer.shown(filter), [log, filter]);
  const sourceName = (id: number) => log.sources.find((source) => source.id === id)?.name ?? "…";

  const toggleSource = (source: LogSource) => {
    const next = new Set(hiddenSources);
    if (!next.delete(source.id)) next.add(source.id);
    onHiddenSources(next);
  };

  const exportShown = async () => {
    const name = projectName;
    try {
      const path = await api.dialogPick({
        kind: "saveFile",
        title: "Save the log",
        filters: [{ name: "Log", extensions: ["log", "txt"] }],
        defaultPath: `${name}.log`,
      });
      if (!path) return;
      const count = await api.projectLogsExport(
        projectId,
        {
          sources: log.sources.filter((source) => !hiddenSources.has(source.id)).map((source) => source.id),
          minLevel,
          pattern: null,
          sinceMs,
          untilMs: null,
        },
        path,
      );
      toast.success(`${numberFormat.format(count)} ${count === 1 ? "line" : "lines"} saved`, { description: path });
    } catch (error) {
      toast.error("The log was not saved", { description: errorMessage(error) });
    }
  };

  if (log.error !== null) {
    return <ErrorState title="The log could not be opened" error={log.error} onRetry={onRetry} />;
  }

  return (
    <>
      <div className="logs-filters" role="toolbar" aria-label="Which lines">
        <div className="logs-sources" role="group" aria-label="Sources">
          {log.sources.map((source) => (
            <button
              key={source.id}
              type="button"
              className={clsx("logs-source", `logs-source-${source.kind}`)}
              aria-pressed={!hiddenSources.has(source.id)}
              onClick={() => toggleSource(source)}
              data-testid="logs-source"
              data-source-name={source.name}
            >
              {source.name}
            </button>
          ))}
        </div>
        <select
          className="select select-compact"
          value={minLevel ?? "all"}
          aria-label="Level"
          onChange={(event) => onMinLevel(event.target.value === "all" ? null : (event.target.value as LogLineLevel))}
          data-testid="logs-level"
        >
          {levels.map((level) => (
            <option key={level.value} value={level.value}>
              {level.label}
            </option>
          ))}
        </select>
        <select
          className="select select-compact"
          value={range}
          aria-label="Time range"
          onChange={(event) => onRange(event.target.value as RangeKey)}
          data-testid="logs-range"
        >
          {ranges.map((option) => (
            <option key={option.key} value={option.key}>
              {option.label}
            </option>
          ))}
        </select>
        <span className={clsx("logs-live", log.live && !paused && "logs-live-on")} data-testid="logs-live" data-live={log.live ? "true" : "false"}>
          <Radio size={13} aria-hidden />
          {!log.live ? "Reading the history…" : paused ? "Paused" : "Live"}
        </span>
      </div>
      <LogView
        lines={log.lines}
        shown={shown}
        label={`Log of ${projectName}`}
        exportName={`${projectName}.log`}
        onExport={() => void exportShown()}
        regexSearch
        testId="logs-viewer"
        lineTestId="logs-line"
        lineClassName={(line) => line.level && `logs-line-${line.level}`}
        renderLine={(line, text) => <LineParts line={line} source={sourceName(line.source)} text={text} />}
        following={following}
        onFollowingChange={setFollowing}
        placeholder={shown.length === 0 && (log.live ? "No lines in this range yet: new ones show as they are written." : "Reading the history…")}
        tools={<PauseFollow paused={paused} onPausedChange={log.setPaused} following={following} onFollow={() => setFollowing(true)} />}
        footer={
          <LiveLogFooter
            shown={shown.length}
            total={log.lines.length}
            cap={PROJECT_LOG_CAP}
            paused={paused}
            held={log.held}
            following={following}
            onFollow={() => setFollowing(true)}
          />
        }
      />
    </>
  );
}

function LineParts({ line, source, text }: { line: ProjectLogLine; source: string; text: ReactNode }) {
  return (
    <>
      <span className="logs-time">{timeFormat.format(line.at)}</span>
      <span className="logs-line-source" data-testid="logs-line-source">
        {source}
      </span>
      <span className={clsx("logs-level", line.level && `logs-level-${line.level}`)} data-testid="logs-line-level" data-level={line.level ?? ""}>
        {line.level ? levelLabels[line.level] : ""}
      </span>
      <span className="logs-text">{text}</span>
    </>
  );
}
