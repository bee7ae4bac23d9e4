import type { DatasourceStatus, Engine } from "../../api";

export const statusLabels: Record<DatasourceStatus, string> = {
  creating: "Creating",
  pulling: "Pulling image",
  starting: "Starting",
  configuring: "Configuring",
  ready: "Ready",
  stopped: "Stopped",
  error: "Error",
  missing: "Container missing",
  snapshotting: "Taking a snapshot",
  restoring: "Restoring a snapshot",
};

/** Set-up or start-up is under way; the core reports the next status when it is done. */
export const isBusy = (status: DatasourceStatus) =>
  status === "creating" ||
  status === "pulling" ||
  status === "starting" ||
  status === "configuring" ||
  status === "snapshotting" ||
  status === "restoring";

export const canStart = (status: DatasourceStatus) => status === "stopped" || status === "error";
export const canStop = (status: DatasourceStatus) => status === "ready" || status === "error";
export const canRestart = (status: DatasourceStatus) => status === "ready" || status === "error";

/** Engine names for places that have no engine list at hand (the list is the authority). */
export const engineLabels: Record<Engine, string> = {
  postgres: "PostgreSQL",
  mysql: "MySQL",
  mariadb: "MariaDB",
  mongodb: "MongoDB",
  redis: "Redis",
};
