import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type ProcessRef } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";

/**
 * Asks before a process is ended, naming it (name, pid, user, command line). It is asked to stop
 * first; one still running after a few seconds can then be killed.
 */
export function EndProcessDialog({ process, onClose }: { process: ProcessRef; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [stillRunning, setStillRunning] = useState(false);
  const end = useMutation({
    mutationFn: (force: boolean) => api.resourcesProcessEnd(process.pid, process.startedAt, force),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.resources }),
  });
  const run = (force: boolean) =>
    end.mutate(force, {
      onSuccess: (outcome) => {
        if (outcome.ended) {
          toast.success(`${outcome.name} (pid ${outcome.pid}) ended`);
          onClose();
        } else setStillRunning(true);
      },
      onError: (error) => toast.error(`${process.name} was not ended`, { description: errorMessage(error) }),
    });
  return (
    <Dialog open size="small" title={`End ${process.name}?`} onClose={onClose} testId="end-process">
      <div className="dialog-body">
        <dl className="resource-facts">
          <dt>Process</dt>
          <dd className="mono">
            {process.name} (pid {process.pid})
          </dd>
          {process.user && (
            <>
              <dt>User</dt>
              <dd>{process.user}</dd>
            </>
          )}
          <dt>Command</dt>
          <dd className="mono selectable resource-command">{process.command}</dd>
        </dl>
        {stillRunning ? (
          <p className="field-error" role="status" data-testid="end-process-still-running">
            It is still running after being asked to stop. Killing it gives it no chance to save its work.
          </p>
        ) : (
          <p>It is asked to stop, as closing it would; unsaved work in it may be lost.</p>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={end.isPending}
          aria-busy={end.isPending}
          onClick={() => run(stillRunning)}
          data-testid="end-process-confirm"
        >
          {stillRunning ? "Kill it" : "End process"}
        </button>
      </footer>
    </Dialog>
  );
}
