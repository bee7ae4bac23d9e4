import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil, Play, Plus, Trash2 } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { shellJoin } from "./results";
import { SuiteDialog } from "./SuiteDialog";
import type { Suite } from "../../api";

const runnerLabels: Record<Suite["runner"], string> = {
  nextest: "cargo-nextest",
  cargo_test: "cargo test",
  vitest: "Vitest",
  jest: "Jest",
  npm_script: "npm script",
  pytest: "pytest",
  go_test: "go test",
  custom: "command",
};

/**
 * The project's suites: where each comes from, its command, Run for it alone, and its
 * declaration in quantum.toml (add, edit, remove; a found suite is taken over under its name).
 */
export function SuitesPanel({
  projectId,
  suites,
  running,
  onRun,
}: {
  projectId: number;
  suites: Suite[];
  running: boolean;
  onRun: (suite: string) => void;
}) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Suite | "new" | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (name: string) => api.testsSuiteRemove(projectId, name),
    onSuccess: (_nothing, name) => {
      setRemoving(null);
      toast.success(`Suite “${name}” removed from quantum.toml`);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tests(projectId) });
    },
    onError: (error) => toast.error("The suite could not be removed", { description: errorMessage(error) }),
  });
  return (
    <section className="panel" aria-labelledby="test-suites-title">
      <header className="test-history-header">
        <h2 className="panel-title" id="test-suites-title">
          Suites
        </h2>
        <button type="button" className="button button-secondary button-small" onClick={() => setEditing("new")} data-testid="suite-add">
          <Plus size={13} aria-hidden />
          Add a suite
        </button>
      </header>
      <ul className="test-suites">
        {suites.map((suite) => (
          <li key={suite.name} className="test-suite" data-testid="test-suite" data-suite-name={suite.name}>
            <div className="test-suite-text">
              <span className="test-suite-name">{suite.name}</span>
              <span className="test-suite-runner">{runnerLabels[suite.runner]}</span>
              <span className="muted">{suite.source === "config" ? "from quantum.toml" : "found in the folder"}</span>
              <code className="test-suite-command">
                {[suite.workingDir && `cd ${shellJoin([suite.workingDir])} &&`, shellJoin(suite.command)].filter(Boolean).join(" ")}
              </code>
              {suite.hint && <span className="test-suite-hint">{suite.hint}</span>}
            </div>
            <div className="test-suite-actions">
              <button
                type="button"
                className="icon-button"
                onClick={() => setEditing(suite)}
                title={suite.source === "config" ? "Edit in quantum.toml" : "Declare in quantum.toml, to change its command"}
                aria-label={`Edit ${suite.name}`}
                data-testid="suite-edit"
              >
                <Pencil size={14} aria-hidden />
              </button>
              {suite.source === "config" && (
                <button
                  type="button"
                  className="icon-button icon-button-danger"
                  onClick={() => setRemoving(suite.name)}
                  aria-label={`Remove ${suite.name}`}
                  data-testid="suite-remove"
                >
                  <Trash2 size={14} aria-hidden />
                </button>
              )}
              <button type="button" className="button button-secondary button-small" disabled={running} onClick={() => onRun(suite.name)} data-testid="test-suite-run">
                <Play size={13} aria-hidden />
                Run
              </button>
            </div>
          </li>
        ))}
      </ul>
      {editing && <SuiteDialog projectId={projectId} suite={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
      <Dialog open={removing !== null} size="small" title={`Remove the suite “${removing ?? ""}”?`} onClose={() => !remove.isPending && setRemoving(null)} testId="suite-remove-confirm">
        <div className="dialog-body">
          <p>Its table goes from quantum.toml (the file's history keeps it). Its past runs stay in the history.</p>
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={() => setRemoving(null)} disabled={remove.isPending}>
            Cancel
          </button>
          <button type="button" className="button button-danger" onClick={() => removing && remove.mutate(removing)} disabled={remove.isPending} data-testid="suite-remove-run">
            Remove
          </button>
        </footer>
      </Dialog>
    </section>
  );
}
