import { describe, expect, it } from "vitest";
import { describeInstall, installBusy, nextInstallState, type InstallState } from "./install";

describe("install progress", () => {
  it("follows the core's messages from download to restart", () => {
    let state: InstallState = { phase: "idle" };
    state = nextInstallState(state, { kind: "started" });
    expect(describeInstall(state)).toEqual({ text: "Downloading…", fraction: null });
    state = nextInstallState(state, { kind: "progress", downloaded: 3_000_000, total: 6_000_000 });
    expect(describeInstall(state)).toEqual({ text: "Downloading — 3.0 MB of 6.0 MB", fraction: 0.5 });
    state = nextInstallState(state, { kind: "waiting" });
    expect(describeInstall(state).text).toMatch(/once the running database operations finish/);
    state = nextInstallState(state, { kind: "finished" });
    expect(state).toEqual({ phase: "restarting" });
    expect(installBusy(state)).toBe(true);
  });

  it("shows the bytes without a bar when the size is unknown", () => {
    const state = nextInstallState({ phase: "idle" }, { kind: "progress", downloaded: 250_000, total: null });
    expect(describeInstall(state)).toEqual({ text: "Downloading — 250 kB", fraction: null });
  });

  it("frees the buttons when idle or failed", () => {
    expect(installBusy({ phase: "idle" })).toBe(false);
    expect(installBusy({ phase: "failed", message: "Bad signature." })).toBe(false);
  });
});
