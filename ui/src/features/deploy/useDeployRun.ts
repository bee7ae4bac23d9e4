import { useCallback, useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage } from "../../api";
import type { DeployEvent, Release } from "../../api/deploy";
import { queryKeys } from "../../api/queryKeys";
import { applyEvents, startRun, type DeployRun, type RunSteps } from "./deployRun";

/**
 * The project's deploy or rollback under way (one at a time from this page): started here, its
 * events folded in once per animation frame, so that a chatty build cannot flood the window.
 */
export function useDeployRun(projectId: number) {
  const queryClient = useQueryClient();
  const [run, setRun] = useState<DeployRun | null>(null);
  const pending = useRef<DeployEvent[]>([]);
  const frame = useRef<number | undefined>(undefined);

  useEffect(
    () => () => {
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
    },
    [],
  );

  const onEvent = useCallback((event: DeployEvent) => {
    pending.current.push(event);
    frame.current ??= requestAnimationFrame(() => {
      frame.current = undefined;
      const batch = pending.current;
      pending.current = [];
      setRun((current) => (current === null ? current : applyEvents(current, batch)));
    });
  }, []);

  const track = useCallback(
    (environment: string, steps: RunSteps, work: Promise<Release>, done: (release: Release) => string) => {
      pending.current = [];
      setRun(startRun(environment, steps));
      // An error before the core made a row (busy, a broken file) ends the run too.
      const end = (outcome: NonNullable<DeployRun["outcome"]>) =>
        setRun((current) => (current !== null && current.outcome === null ? { ...current, outcome } : current));
      work
        .then((release) => {
          end({ ok: true });
          toast.success(done(release));
        })
        .catch((error: unknown) => {
          end({ ok: false, error: errorMessage(error) });
          toast.error(`The ${environment} release did not go live`, { description: errorMessage(error) });
        })
        .finally(() => void queryClient.invalidateQueries({ queryKey: queryKeys.deploy(projectId) }));
    },
    [projectId, queryClient],
  );

  /** `steps`: the environment migrates datasources, or runs its own (a stage each). */
  const deploy = useCallback(
    (environment: string, steps: RunSteps) =>
      track(environment, steps, api.deployStart(projectId, environment, onEvent), (release) => `${release.version} is live on ${environment}`),
    [onEvent, projectId, track],
  );

  const rollback = useCallback(
    (target: Release, steps: RunSteps) =>
      track(
        target.environment,
        steps,
        api.deployRollback(projectId, target.id, steps.data, onEvent),
        (release) => `Rolled back ${target.environment} to ${release.version}${steps.data ? ", data included" : ""}`,
      ),
    [onEvent, projectId, track],
  );

  const busy = run !== null && run.outcome === null;
  return { run, busy, deploy, rollback, dismiss: () => setRun(null) };
}
