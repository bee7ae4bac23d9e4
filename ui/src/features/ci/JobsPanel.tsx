import { useMemo, useState } from "react";
import { List, Network } from "lucide-react";
import clsx from "clsx";
import type { CiJob } from "../../api";
import { CiStatusBadge } from "./CiStatusBadge";
import { jobColumns } from "./jobGraph";
import { JobLog } from "./JobLog";
import { formatSeconds, secondsBetween, statusLabels } from "./status";

type View = "graph" | "list";

/** The job shown until the user picks one: the first that failed, else the first under way. */
const firstOfInterest = (jobs: CiJob[]) => jobs.find((job) => job.status === "failure") ?? jobs.find((job) => job.status === "running") ?? null;

const duration = (item: { startedAt: string | null; completedAt: string | null }) => {
  const seconds = secondsBetween(item.startedAt, item.completedAt);
  return seconds === null ? "" : formatSeconds(seconds);
};

/** A run's jobs, as columns (stages, or what waits for what) or as a table; the chosen one's steps and log under them. */
export function JobsPanel({ projectId, jobs }: { projectId: number; jobs: CiJob[] }) {
  const [view, setView] = useState<View>("graph");
  const [chosenId, setChosenId] = useState<number | null>(null);
  const selected = jobs.find((job) => job.id === chosenId) ?? firstOfInterest(jobs);
  const columns = useMemo(() => jobColumns(jobs), [jobs]);

  return (
    <section className="panel ci-jobs" aria-labelledby="ci-jobs-title" data-testid="ci-jobs">
      <header className="panel-heading">
        <h2 className="panel-title" id="ci-jobs-title">
          Jobs
        </h2>
        <div className="segmented" role="radiogroup" aria-label="Show the jobs as">
          {(
            [
              { value: "graph", label: "Graph", icon: Network },
              { value: "list", label: "List", icon: List },
            ] as const
          ).map(({ value, label, icon: Icon }) => (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={view === value}
              className={clsx("segment", view === value && "segment-selected")}
              onClick={() => setView(value)}
              data-testid={`ci-jobs-${value}`}
            >
              <Icon size={13} aria-hidden />
              {label}
            </button>
          ))}
        </div>
      </header>
      {jobs.length === 0 ? (
        <p className="muted" data-testid="ci-jobs-empty">
          No jobs yet: the provider lists them once the run is set up.
        </p>
      ) : view === "graph" ? (
        <div className="ci-graph" data-testid="ci-graph">
          {columns.map((column) => (
            <div key={column.key} className="ci-graph-column" role="group" aria-label={column.title ?? undefined}>
              {column.title && <h3 className="ci-graph-title">{column.title}</h3>}
              {column.jobs.map((job) => (
                <button
                  key={job.id}
                  type="button"
                  className={clsx("ci-job-card", `ci-job-${job.status}`, job.id === selected?.id && "selected")}
                  aria-pressed={job.id === selected?.id}
                  onClick={() => setChosenId(job.id)}
                  title={`${job.name}: ${statusLabels[job.status]}${job.allowFailure ? " (allowed to fail)" : ""}`}
                  data-testid="ci-job"
                  data-job-name={job.name}
                  data-status={job.status}
                >
                  <CiStatusBadge status={job.status} compact />
                  <span className="ci-job-name">{job.name}</span>
                  <span className="ci-job-duration">{duration(job)}</span>
                </button>
              ))}
            </div>
          ))}
        </div>
      ) : (
        <table className="table ci-job-table">
          <colgroup>
            <col style={{ width: "118px" }} />
            <col />
            <col style={{ width: "22%" }} />
            <col style={{ width: "110px" }} />
          </colgroup>
          <thead>
            <tr>
              <th>Status</th>
              <th>Job</th>
              <th>Stage or needs</th>
              <th>Took</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr
                key={job.id}
                className={clsx("ci-job-row", job.id === selected?.id && "selected")}
                onClick={() => setChosenId(job.id)}
                data-testid="ci-job"
                data-job-name={job.name}
                data-status={job.status}
              >
                <td>
                  <CiStatusBadge status={job.status} />
                </td>
                <td>
                  <button type="button" className="ci-job-pick cell-truncate" aria-pressed={job.id === selected?.id} onClick={() => setChosenId(job.id)}>
                    {job.name}
                  </button>
                </td>
                <td className="muted">
                  <span className="cell-truncate">{job.stage ?? (job.needs.length > 0 ? `after ${job.needs.join(", ")}` : "")}</span>
                </td>
                <td className="muted small">{duration(job)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected ? (
        <JobDetail key={selected.id} projectId={projectId} job={selected} />
      ) : (
        jobs.length > 0 && <p className="muted ci-job-hint">Choose a job to see its steps and its log.</p>
      )}
    </section>
  );
}

function JobDetail({ projectId, job }: { projectId: number; job: CiJob }) {
  return (
    <div className="ci-job-detail" data-testid="ci-job-detail" data-job-name={job.name}>
      <h3 className="ci-job-detail-title">
        {job.name}
        {job.allowFailure && <span className="muted small"> · allowed to fail</span>}
      </h3>
      {job.steps.length > 0 && (
        <ol className="ci-steps">
          {job.steps.map((step) => (
            <li key={step.number} className="ci-step" data-testid="ci-step" data-status={step.status}>
              <CiStatusBadge status={step.status} compact />
              <span className="ci-step-name">{step.name}</span>
              <span className="muted small">{duration(step)}</span>
            </li>
          ))}
        </ol>
      )}
      <JobLog projectId={projectId} job={job} />
    </div>
  );
}
