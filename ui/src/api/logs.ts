// A project's one log: its sources merged by time, streamed (history, then live), and exported.
import { Channel } from "@tauri-apps/api/core";
import { commands, type LogFilter, type ProjectLogEvent } from "../bindings";
import { unwrap } from "./unwrap";

export type { LogEntry, LogFilter, LogLineLevel, LogSource, LogSourceKind, ProjectLogEvent, ProjectLogOpened } from "../bindings";

export const logsApi = {
  /** Opens the project's log from `sinceMs` (all that is kept when null); stop it with `streamStop`. */
  projectLogs: (projectId: number, sinceMs: number | null, onEvent: (event: ProjectLogEvent) => void) => {
    const channel = new Channel<ProjectLogEvent>();
    channel.onmessage = onEvent;
    return unwrap(commands.projectLogs(projectId, sinceMs, channel));
  },
  /** Saves the lines that pass `filter`, read again up to now, to `path`; how many. */
  projectLogsExport: (projectId: number, filter: LogFilter, path: string) => unwrap(commands.projectLogsExport(projectId, filter, path)),
};
