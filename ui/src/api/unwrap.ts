import type { ErrorInfo } from "../bindings";

/**
 * A failed command, as the core reported it. `code` is stable (`project.name_taken`, …): each core
 * crate owns its codes, so the bindings type it as a string. `field` names the form field at fault.
 */
export class ApiError extends Error {
  readonly code: string;
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

