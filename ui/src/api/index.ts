// The only door to the Rust core: every command goes through here, so components never see
// tauri-specta's result objects or hand-typed command names.
import {
  commands,
  events,
  type AuditPageRequest,
  type Change,
  type ErrorCode,
  type ErrorInfo,
  type ProjectInput,
  type Settings,
} from "../bindings";

export type {
  AppInfo,
  AuditAction,
  AuditEntry,
  AuditFilter,
  AuditPage,
  Change,
  DashboardSummary,
  ErrorCode,
  Value,
  LogLevel,
  Project,
  ProjectInput,
  ResourceType,
  Settings,
  Theme,
} from "../bindings";

/** A failed command, as the core reported it. `field` names the form field at fault, if any. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly field: string | null;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = "ApiError";
    this.code = info.code;
    this.field = info.field;
  }
}

type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: ErrorInfo };

/** Turns a command's result object into its value, or throws the error as an {@link ApiError}. */
export async function unwrap<T>(pending: Promise<CommandResult<T>>): Promise<T> {
  const result = await pending;
  if (result.status === "error") throw new ApiError(result.error);
  return result.data;
}

export const api = {
  appInfo: () => commands.appInfo(),
  auditPage: (request: AuditPageRequest) => unwrap(commands.auditPage(request)),
  dashboardSummary: () => unwrap(commands.dashboardSummary()),
  projectList: () => unwrap(commands.projectList()),
  projectGet: (id: number) => unwrap(commands.projectGet(id)),
  projectCreate: (input: ProjectInput) => unwrap(commands.projectCreate(input)),
  projectUpdate: (id: number, input: ProjectInput) => unwrap(commands.projectUpdate(id, input)),
  projectDelete: (id: number) => unwrap(commands.projectDelete(id)),
  settingsGet: () => commands.settingsGet(),
  settingsUpdate: (settings: Settings) => unwrap(commands.settingsUpdate(settings)),
  /** Calls `listener` after every committed mutation; resolves to the function that stops it. */
  onDataChanged: (listener: (change: Change) => void) =>
    events.dataChanged.listen((event) => listener(event.payload)),
};

/** The message to show for any failure, typed or not. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return "Something went wrong.";
}
