import { useMemo, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ChevronRight, ChevronsDownUp, ChevronsUpDown, RotateCw } from "lucide-react";
import clsx from "clsx";
import { api, type CiJob } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ErrorState } from "../../components/ErrorState";
import { LogView } from "../../components/log/LogView";
import { groupSizes, logEntries, revealEntry, shownEntries, toggleGroup } from "./logFolding";
import { isActive } from "./status";

const numberFormat = new Intl.NumberFormat();
const lineCount = (count: number) => `${numberFormat.format(count)} ${count === 1 ? "line" : "lines"}`;

/**
 * A job's log in the shared log view, its groups (`##[group]`, GitLab's sections) folded until
 * opened, its errors marked. Read again when the job's status changes; a finished job's log is
 * final. Search reaches folded lines and unfolds the group of the match it goes to.
 */
export function JobLog({ projectId, job }: { projectId: number; job: CiJob }) {
  const started = job.startedAt !== null || !isActive(job.status);
  const log = useQuery({
    queryKey: [...queryKeys.ciLog(projectId, job.id), job.status],
    queryFn: () => api.ciJobLog(projectId, job.id),
    enabled: started && job.status !== "skipped",
    staleTime: isActive(job.status) ? 0 : Infinity,
    placeholderData: keepPreviousData,
  });
  const entries = useMemo(() => logEntries(log.data ?? []), [log.data]);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const shown = useMemo(() => shownEntries(entries, open), [entries, open]);
  const sizes = useMemo(() => groupSizes(entries), [entries]);

  if (job.status === "skipped") return <p className="muted ci-log-note">This job was skipped: it has no log.</p>;
  if (!started) return <p className="muted ci-log-note">The job has not started: its log comes once it runs.</p>;
  if (log.isError && !log.data) return <ErrorState title="The job's log could not be read" error={log.error} onRetry={() => void log.refetch()} />;

  const allOpen = sizes.size > 0 && open.size === sizes.size;
  return (
    <LogView
      lines={entries}
      shown={shown}
      onReveal={(line) => setOpen((current) => revealEntry(current, line))}
      label={`Log of ${job.name}`}
      exportName={`${job.name}.log`}
      testId="ci-log"
      lineTestId="ci-log-line"
      lineClassName={(line) => clsx(line.title && "ci-log-title", line.mark && `ci-log-${line.mark}`)}
      renderLine={(line, text) => {
        const group = line.group;
        if (line.title && group !== null) {
          return (
            <button
              type="button"
              className="ci-log-toggle"
              aria-expanded={open.has(group)}
              onClick={() => setOpen((current) => toggleGroup(current, group))}
              data-testid="ci-log-group"
            >
              <ChevronRight size={12} aria-hidden className="ci-log-chevron" />
              {text}
              <span className="ci-log-count">{lineCount(sizes.get(group) ?? 0)}</span>
            </button>
          );
        }
        return line.mark === "error" ? <span data-testid="ci-log-error">{text}</span> : text;
      }}
      placeholder={entries.length === 0 && (log.isFetching ? "Reading the log…" : "The log is empty.")}
      tools={
        <>
          {sizes.size > 0 && (
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => setOpen(allOpen ? new Set() : new Set(sizes.keys()))}
              data-testid="ci-log-fold-all"
            >
              {allOpen ? <ChevronsDownUp size={13} aria-hidden /> : <ChevronsUpDown size={13} aria-hidden />}
              {allOpen ? "Fold all" : "Unfold all"}
            </button>
          )}
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => void log.refetch()}
            disabled={log.isFetching}
            title="Read the log again"
            data-testid="ci-log-reload"
          >
            <RotateCw size={13} aria-hidden />
            Reload
          </button>
        </>
      }
      footer={
        <span>
          {numberFormat.format(shown.length)} of {numberFormat.format(entries.length)} lines shown
          {sizes.size > 0 && ` · ${numberFormat.format(open.size)} of ${numberFormat.format(sizes.size)} groups open`}
        </span>
      }
    />
  );
}
