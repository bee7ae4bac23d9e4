import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage } from "../../api";
import type { DatasourceState } from "../../api/deploy";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { engineLabels } from "../datasources/status";
import { imageNote, stateLabel } from "./environmentDatasources";

/**
 * Chooses which of the project's datasources an environment runs on its own Docker Engine
 * (written into quantum.toml as `datasources`), shows each one's container there, and starts
 * them now rather than at the next deploy.
 */
export function DatasourcesDialog({ projectId, environment, onClose }: { projectId: number; environment: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const key = [...queryKeys.deploy(projectId), "datasources", environment];
  const choices = useQuery({ queryKey: [...key, "choices"], queryFn: () => api.deployDatasourceChoices(projectId, environment) });
  const states = useQuery({ queryKey: [...key, "states"], queryFn: () => api.deployDatasourceStates(projectId, environment) });
  const [picked, setPicked] = useState<string[] | null>(null);
  const listed = picked ?? choices.data?.filter((choice) => choice.listed).map((choice) => choice.name) ?? [];
  const saved = choices.data?.filter((choice) => choice.listed).map((choice) => choice.name) ?? [];
  const changed = picked !== null && (picked.length !== saved.length || picked.some((name) => !saved.includes(name)));

  const save = useMutation({
    mutationFn: (names: string[]) => api.deploySetDatasources(projectId, environment, names),
    onSuccess: () => {
      setPicked(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.deploy(projectId) });
    },
    onError: (error) => toast.error("The datasources could not be written", { description: errorMessage(error) }),
  });
  const [progress, setProgress] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: () => {
      setProgress(null);
      return api.deployDatasourcesStart(projectId, environment, setProgress);
    },
    onSuccess: (started) => {
      queryClient.setQueryData([...key, "states"], started);
      toast.success(`The datasources of ${environment} are running`);
    },
    onError: (error) => toast.error(`The datasources of ${environment} did not start`, { description: errorMessage(error) }),
  });

  const [removing, setRemoving] = useState<{ name: string; volume: string; withData: boolean } | null>(null);
  const remove = useMutation({
    mutationFn: ({ name, withData }: { name: string; withData: boolean }) => api.deployDatasourceRemove(projectId, environment, name, withData),
    onSuccess: (after, { name, withData }) => {
      queryClient.setQueryData([...key, "states"], after);
      setRemoving(null);
      toast.success(withData ? `Removed ${name} and its data from ${environment}` : `Removed ${name} from ${environment}; its data is kept`);
    },
    onError: (error) => toast.error("The datasource could not be removed", { description: errorMessage(error) }),
  });
  const left = states.data?.filter((state) => !state.listed) ?? [];
  const removeButton = (state: DatasourceState | undefined) =>
    state !== undefined &&
    state.running !== null && (
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => setRemoving({ name: state.name, volume: state.volume, withData: false })}
        data-testid="deploy-datasource-remove"
      >
        Remove…
      </button>
    );

  const toggle = (name: string, on: boolean) => {
    const order = choices.data?.map((choice) => choice.name) ?? [];
    const next = on ? [...listed, name] : listed.filter((other) => other !== name);
    setPicked(order.filter((other) => next.includes(other)));
  };

  return (
    <Dialog
      open
      title={`Datasources of ${environment}`}
      description="They run on the environment's Docker Engine beside its releases, which reach each by its name and get its variables (DATABASE_URL, …). A deploy never removes one or its data."
      onClose={onClose}
      testId="deploy-datasources-dialog"
    >
      <div className="dialog-body">
        {choices.isPending && <p className="muted">Reading the project's datasources…</p>}
        {choices.isError && <p className="field-error">{errorMessage(choices.error)}</p>}
        {choices.data?.length === 0 && <p className="muted">This project has no datasource yet: declare one in quantum.toml, or create one on the Databases page.</p>}
        {choices.data && choices.data.length > 0 && (
          <fieldset className="deploy-target-kinds">
            <legend className="field-label">Runs</legend>
            {choices.data.map((choice) => {
              const state = states.data?.find((s) => s.name === choice.name);
              const note = choice.listed ? imageNote(state, choice.image) : null;
              return (
                <div key={choice.name} className="deploy-datasource-row" data-testid="deploy-datasource-choice" data-name={choice.name}>
                  <label className="deploy-target-kind">
                    <input type="checkbox" checked={listed.includes(choice.name)} onChange={(event) => toggle(choice.name, event.target.checked)} />
                    <span>
                      <span className="mono">{choice.name}</span>
                      <span className="small muted">
                        {" "}
                        — {engineLabels[choice.engine]}, {choice.image}
                      </span>
                      {choice.listed && states.data && (
                        <span className="small" data-testid="deploy-datasource-state">
                          {" "}
                          · {stateLabel(state)}
                        </span>
                      )}
                      {note && (
                        <span className="small field-hint" data-testid="deploy-datasource-image">
                          {" "}
                          · {note}
                        </span>
                      )}
                    </span>
                  </label>
                  {choice.listed && removeButton(state)}
                </div>
              );
            })}
          </fieldset>
        )}
        {left.length > 0 && (
          <div className="deploy-datasource-left">
            <p className="field-label">On the engine, no longer listed</p>
            {left.map((state) => (
              <div key={state.name} className="deploy-datasource-row" data-testid="deploy-datasource-left" data-name={state.name}>
                <span>
                  <span className="mono">{state.name}</span>
                  <span className="small muted"> · {stateLabel(state)}, data in {state.volume}</span>
                </span>
                {removeButton(state)}
              </div>
            ))}
          </div>
        )}
        {removing && (
          <div className="panel deploy-datasource-confirm" role="alertdialog" aria-label={`Remove ${removing.name}`} data-testid="deploy-datasource-confirm">
            <p>
              Remove the container of <span className="mono">{removing.name}</span> from {environment}'s engine?
              {listed.includes(removing.name) && " The next deploy makes it again."}
            </p>
            <label className="deploy-target-kind">
              <input type="checkbox" checked={removing.withData} onChange={(event) => setRemoving({ ...removing, withData: event.target.checked })} />
              <span>
                Also delete its data (volume <span className="mono">{removing.volume}</span>) and its password: this cannot be undone
              </span>
            </label>
            <div className="deploy-datasource-actions">
              <button type="button" className="button button-secondary" onClick={() => setRemoving(null)}>
                Keep it
              </button>
              <button
                type="button"
                className={removing.withData ? "button button-danger" : "button button-primary"}
                disabled={remove.isPending}
                onClick={() => remove.mutate({ name: removing.name, withData: removing.withData })}
                data-testid="deploy-datasource-remove-confirm"
              >
                {remove.isPending ? "Removing…" : removing.withData ? "Remove with its data" : "Remove, keep the data"}
              </button>
            </div>
          </div>
        )}
        {states.isPending && saved.length > 0 && (
          <p className="muted" role="status">
            Asking the environment's engine…
          </p>
        )}
        {states.isError && <p className="field-error">The environment's engine could not be asked: {errorMessage(states.error)}</p>}
        {start.isPending && progress && (
          <p className="small muted" role="status" data-testid="deploy-datasources-progress">
            {progress}
          </p>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose}>
          Close
        </button>
        <button
          type="button"
          className="button button-secondary"
          disabled={changed || saved.length === 0 || start.isPending}
          onClick={() => start.mutate()}
          data-testid="deploy-datasources-start"
        >
          {start.isPending ? "Starting…" : "Start now"}
        </button>
        <button type="button" className="button button-primary" disabled={!changed || save.isPending} onClick={() => save.mutate(listed)} data-testid="deploy-datasources-save">
          Save
        </button>
      </footer>
    </Dialog>
  );
}
