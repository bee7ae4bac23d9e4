import { Check, X } from "lucide-react";
import clsx from "clsx";
import { LogView } from "../../components/log/LogView";
import { stageLabel, stagesOf, type DeployRun } from "./deployRun";

/** The deploy or rollback under way (or just ended): its stages and its log as it comes. */
export function RunPanel({ run, onDismiss }: { run: DeployRun; onDismiss: () => void }) {
  // A run that went live has done every stage.
  const stages = stagesOf(run.release, run.steps);
  const reached = run.outcome?.ok === true ? stages.length : run.stage === null ? -1 : stages.indexOf(run.stage);
  const title = run.release ? `${run.release.kind === "rollback" ? "Rollback" : "Deploy"} of ${run.release.version || "…"} to ${run.environment}` : `Deploy to ${run.environment}`;
  return (
    <section className="panel deploy-run" data-testid="deploy-run" data-outcome={run.outcome === null ? "running" : run.outcome.ok ? "live" : "failed"}>
      <header className="deploy-environment-header">
        <h2 className="section-title">{title}</h2>
        {run.outcome !== null && (
          <button type="button" className="button button-secondary button-small" onClick={onDismiss}>
            Close
          </button>
        )}
      </header>
      <ol className="deploy-stages" aria-label="Stages">
        {stages.map((stage, index) => (
          <li
            key={stage}
            className={clsx("deploy-stage", index < reached && "deploy-stage-done", index === reached && "deploy-stage-current")}
            aria-current={index === reached ? "step" : undefined}
          >
            {stageLabel(stage, run.release)}
          </li>
        ))}
      </ol>
      {run.outcome?.ok === true && (
        <p className="deploy-outcome deploy-outcome-ok" role="status">
          <Check size={14} aria-hidden /> {run.release?.version} is live.
        </p>
      )}
      {run.outcome?.ok === false && (
        <p className="deploy-outcome deploy-outcome-failed selectable" role="alert" data-testid="deploy-error">
          <X size={14} aria-hidden /> {run.outcome.error}
        </p>
      )}
      <div className="deploy-log">
        <LogView
          lines={run.lines}
          label="Deploy log"
          exportName={`deploy-${run.environment}.log`}
          testId="deploy-log"
          lineTestId="deploy-log-line"
          following
          placeholder={run.lines.length === 0 ? <span className="muted">Waiting for the first line…</span> : undefined}
        />
      </div>
    </section>
  );
}
