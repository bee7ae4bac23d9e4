// An environment's own datasources as the Deploy page says them.
import type { DatasourceState } from "../../api/deploy";

/** "running", "stopped: Exited with code 1.", "not made yet: the next deploy makes it". */
export function stateLabel(state: DatasourceState | undefined): string {
  if (state === undefined || state.running === null) return "not made yet: the next deploy makes it";
  if (state.running) return "running";
  return state.reason ? `stopped: ${state.reason}` : "stopped";
}

/** Said when the container runs another image than the file names now: a deploy keeps it as it is. */
export function imageNote(state: DatasourceState | undefined, fileImage: string): string | null {
  if (!state?.image || state.image === fileImage) return null;
  return `runs ${state.image}, the file says ${fileImage}: Remove… keeping the data, then deploy, to move it`;
}
