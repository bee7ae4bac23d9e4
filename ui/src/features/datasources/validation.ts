// Mirrors the core's rules for the "Add database" form so it can answer before a round trip;
// the core stays the authority (a free port, for one, only it can tell). Empty fields are fine:
// the core fills in its defaults.

const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{1,62}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const WHOLE_NUMBER = /^\d+$/;

export const READY_TIMEOUT_MIN_SECS = 5;
export const READY_TIMEOUT_MAX_SECS = 3600;

/** The datasource's name, which is also its container's. */
export function datasourceNameProblem(name: string): string | null {
  if (name === "" || CONTAINER_NAME.test(name)) return null;
  return "Use 2 to 63 letters, digits, “_”, “.” or “-”, starting with a letter or digit.";
}

/** A database or user name. */
export function identifierProblem(what: "database" | "user", value: string): string | null {
  if (value === "" || IDENTIFIER.test(value)) return null;
  return `Give the ${what} name as up to 32 letters, digits or “_”, starting with a letter or “_”.`;
}

export function hostPortProblem(port: string): string | null {
  if (port === "") return null;
  const value = Number(port);
  if (WHOLE_NUMBER.test(port) && value >= 1 && value <= 65535) return null;
  return "Give a port from 1 to 65535, or leave it empty for the next free one.";
}

export function readyTimeoutProblem(seconds: string): string | null {
  if (seconds === "") return null;
  const value = Number(seconds);
  if (WHOLE_NUMBER.test(seconds) && value >= READY_TIMEOUT_MIN_SECS && value <= READY_TIMEOUT_MAX_SECS) return null;
  return `Give the start-up timeout in seconds, from ${READY_TIMEOUT_MIN_SECS} to ${READY_TIMEOUT_MAX_SECS}.`;
}
