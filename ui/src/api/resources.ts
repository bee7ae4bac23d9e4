// The resource manager's commands (ports, processes, what Docker holds) and metric history.
import { Channel } from "@tauri-apps/api/core";
import { commands, type PruneItem, type PruneOptions, type PullProgress } from "../bindings";
import { unwrap } from "./unwrap";

export const resourcesApi = {
  /** Every listening port and who holds it (a process, or the container that publishes it). */
  resourcesPorts: () => unwrap(commands.resourcesPorts()),
  /** Every process; CPU use is measured since the previous listing. */
  resourcesProcesses: () => unwrap(commands.resourcesProcesses()),
  /** Ends the process that has this pid and start time (a pid alone may have been reused). */
  resourcesProcessEnd: (pid: number, startedAt: number, force: boolean) =>
    unwrap(commands.resourcesProcessEnd(pid, startedAt, force)),
  resourcesDocker: () => unwrap(commands.resourcesDocker()),
  resourcesImagePull: (image: string, onProgress: (progress: PullProgress) => void) => {
    const channel = new Channel<PullProgress>();
    channel.onmessage = onProgress;
    return unwrap(commands.resourcesImagePull(image, channel));
  },
  resourcesImageRemove: (id: string) => unwrap(commands.resourcesImageRemove(id)),
  resourcesVolumeRemove: (name: string) => unwrap(commands.resourcesVolumeRemove(name)),
  resourcesNetworkRemove: (id: string) => unwrap(commands.resourcesNetworkRemove(id)),
  resourcesContainerRemove: (id: string) => unwrap(commands.resourcesContainerRemove(id)),
  /** What a prune of the chosen kinds would delete, and what it leaves on purpose. */
  resourcesPrunePlan: (options: PruneOptions) => unwrap(commands.resourcesPrunePlan(options)),
  /** Deletes the previewed items still unused. */
  resourcesPrune: (options: PruneOptions, items: PruneItem[]) => unwrap(commands.resourcesPrune(options, items)),
  /** A datasource's CPU, memory, network and disk I/O over the last `rangeSecs` seconds. */
  metricsHistory: (datasourceId: number, rangeSecs: number) => unwrap(commands.metricsHistory(datasourceId, rangeSecs)),
  /** Moves a datasource to another host port (`null`: the next free one) and starts it. */
  datasourceMovePort: (id: number, port: number | null) => unwrap(commands.datasourceMovePort(id, port)),
};
