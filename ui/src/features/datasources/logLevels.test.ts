import { describe, expect, it } from "vitest";
import { logLevelOf } from "./logLevels";

describe("logLevelOf", () => {
  it("reads PostgreSQL's severity", () => {
    const at = "2026-11-21 10:00:00.000 UTC [1]";
    expect(logLevelOf("postgres", `${at} LOG:  database system is ready to accept connections`)).toBe("info");
    expect(logLevelOf("postgres", `${at} ERROR:  relation "users" does not exist`)).toBe("error");
    expect(logLevelOf("postgres", `${at} FATAL:  password authentication failed`)).toBe("error");
    expect(logLevelOf("postgres", `${at} WARNING:  there is no transaction in progress`)).toBe("warning");
    expect(logLevelOf("postgres", `${at} DEBUG2:  checkpointer starting`)).toBe("debug");
    expect(logLevelOf("postgres", "The files belonging to this database system will be owned by user")).toBeNull();
  });

  it("reads MySQL's and MariaDB's bracketed levels", () => {
    expect(logLevelOf("mysql", "2026-11-21T10:00:00Z 0 [System] [MY-010931] [Server] ready for connections.")).toBe("info");
    expect(logLevelOf("mysql", "2026-11-21T10:00:00Z 0 [ERROR] [MY-010119] [Server] Aborting")).toBe("error");
    expect(logLevelOf("mariadb", "2026-11-21 10:00:00 0 [Warning] You need to use --log-bin")).toBe("warning");
    expect(logLevelOf("mariadb", "2026-11-21 10:00:00 0 [Note] mariadbd: ready for connections.")).toBe("info");
    expect(logLevelOf("mariadb", "Version: '11.4.2-MariaDB'  socket: '/run/mysqld/mysqld.sock'")).toBeNull();
  });

  it("reads Redis's markers", () => {
    expect(logLevelOf("redis", "1:M 21 Nov 2026 10:00:00.000 * Ready to accept connections tcp")).toBe("info");
    expect(logLevelOf("redis", "1:M 21 Nov 2026 10:00:00.000 # WARNING Memory overcommit must be enabled!")).toBe("warning");
    expect(logLevelOf("redis", "1:C 21 Nov 2026 10:00:00.000 - Accepted 172.17.0.1:40000")).toBe("debug");
    expect(logLevelOf("redis", "                _._")).toBeNull();
  });

  it("reads MongoDB's structured severity", () => {
    expect(logLevelOf("mongodb", '{"t":{"$date":"2026-11-21T10:00:00.000Z"},"s":"I",  "c":"NETWORK"}')).toBe("info");
    expect(logLevelOf("mongodb", '{"t":{"$date":"2026-11-21T10:00:00.000Z"},"s":"E",  "c":"STORAGE"}')).toBe("error");
    expect(logLevelOf("mongodb", '{"t":{"$date":"2026-11-21T10:00:00.000Z"},"s":"D2", "c":"COMMAND"}')).toBe("debug");
    expect(logLevelOf("mongodb", "about to fork child process")).toBeNull();
  });
});
