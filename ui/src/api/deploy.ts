// Deploys: a project's environments and their history; a deploy or rollback streamed stage by stage.
import { Channel } from "@tauri-apps/api/core";
import { commands, type DeployEvent } from "../bindings";
import { unwrap } from "./unwrap";

export type { DeployDecl, DeployEnvironment, DeployEvent, DeployStage, Release, ReleaseKind, ReleaseStatus, ServingRelease } from "../bindings";

function channel(onEvent: (event: DeployEvent) => void) {
  const events = new Channel<DeployEvent>();
  events.onmessage = onEvent;
  return events;
}

export const deployApi = {
  /** Every project's live releases with their checks' state (the Dashboard). */
  dashboardDeploys: () => unwrap(commands.dashboardDeploys()),
  deployEnvironments: (projectId: number) => unwrap(commands.deployEnvironments(projectId)),
  /** Newest first; one environment's when given. */
  deployHistory: (projectId: number, environment: string | null) => unwrap(commands.deployHistory(projectId, environment)),
  deployLog: (releaseId: number) => unwrap(commands.deployLog(releaseId)),
  /** Builds and releases; resolves with the release once live, rejects with why it failed. */
  deployStart: (projectId: number, environment: string, onEvent: (event: DeployEvent) => void) =>
    unwrap(commands.deployStart(projectId, environment, channel(onEvent))),
  deployRollback: (projectId: number, releaseId: number, onEvent: (event: DeployEvent) => void) =>
    unwrap(commands.deployRollback(projectId, releaseId, channel(onEvent))),
};
