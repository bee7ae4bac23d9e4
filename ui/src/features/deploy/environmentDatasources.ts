// An environment's own datasources as the Deploy page says them.
import type { DatasourceState } from "../../api/deploy";

/** "running", "stopped: Exited with code 1.", "not made yet: the next deploy makes it". */
export function stateLabel(state: DatasourceState | undefined): string {
  if (state === undefined || state.running === null) return "not made yet: the next deploy makes it";
  if (state.running) return "running";
  return state.reason ? `stopped: ${state.reason}` : "stopped";
}
