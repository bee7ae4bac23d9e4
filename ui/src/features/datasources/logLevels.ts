import type { Engine } from "../../api";

/** How serious a log line says it is, when it says so. */
export type LogLineLevel = "error" | "warning" | "info" | "debug";

export const logLineLevels: { value: LogLineLevel; label: string }[] = [
  { value: "error", label: "Errors" },
  { value: "warning", label: "Warnings" },
  { value: "info", label: "Info" },
  { value: "debug", label: "Debug" },
];

// `2026-11-21 10:00:00.000 UTC [1] LOG:  database system is ready to accept connections`
const POSTGRES = /\b(PANIC|FATAL|ERROR|WARNING|NOTICE|INFO|LOG|DEBUG[1-5]?):\s/;
const postgresLevels: Record<string, LogLineLevel> = {
  PANIC: "error",
  FATAL: "error",
  ERROR: "error",
  WARNING: "warning",
  NOTICE: "info",
  INFO: "info",
  LOG: "info",
};

// `2026-11-21T10:00:00.000000Z 0 [Note] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections.`
const MYSQL = /\[(ERROR|Warning|Note|System)\]/i;
const mysqlLevels: Record<string, LogLineLevel> = { error: "error", warning: "warning", note: "info", system: "info" };

// `1:M 21 Nov 2026 10:00:00.000 * Ready to accept connections tcp`: `.` debug, `-` verbose,
// `*` notice, `#` warning.
const REDIS = /^\d+:[XCSM] .+? \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) /;
const redisLevels: Record<string, LogLineLevel> = { ".": "debug", "-": "debug", "*": "info", "#": "warning" };

// Structured JSON: `{"t":{…},"s":"I", "c":"NETWORK", …}`; F fatal, E, W, I, D1–D5.
const MONGODB = /"s"\s*:\s*"([FEWID])\d?"/;
const mongodbLevels: Record<string, LogLineLevel> = { F: "error", E: "error", W: "warning", I: "info", D: "debug" };

/** The level a line shows, by the engine's log format; null when it shows none. */
export function logLevelOf(engine: Engine, text: string): LogLineLevel | null {
  switch (engine) {
    case "postgres": {
      const marker = POSTGRES.exec(text)?.[1];
      if (!marker) return null;
      return postgresLevels[marker] ?? "debug";
    }
    case "mysql":
    case "mariadb": {
      const marker = MYSQL.exec(text)?.[1];
      return marker ? (mysqlLevels[marker.toLowerCase()] ?? null) : null;
    }
    case "redis": {
      const marker = REDIS.exec(text)?.[1];
      return marker ? (redisLevels[marker] ?? null) : null;
    }
    case "mongodb": {
      const marker = MONGODB.exec(text)?.[1];
      return marker ? (mongodbLevels[marker] ?? null) : null;
    }
  }
}
