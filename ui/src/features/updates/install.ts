import type { UpdateProgress } from "../../api";
import { formatBytes } from "../datasources/pullProgress";

/** Where an install stands, as the notice shows it. */
export type InstallState =
  | { phase: "idle" }
  | { phase: "downloading"; downloaded: number; total: number | null }
  | { phase: "waiting" }
  | { phase: "restarting" }
  | { phase: "failed"; message: string };

/** Applies one progress message from the core. */
export function nextInstallState(state: InstallState, progress: UpdateProgress): InstallState {
  switch (progress.kind) {
    case "started":
      return { phase: "downloading", downloaded: 0, total: null };
    case "progress":
      return { phase: "downloading", downloaded: progress.downloaded, total: progress.total };
    case "waiting":
      return { phase: "waiting" };
    case "finished":
      return state.phase === "failed" ? state : { phase: "restarting" };
  }
}

/** Whether the notice's buttons wait for the install. */
export function installBusy(state: InstallState): boolean {
  return state.phase === "downloading" || state.phase === "waiting" || state.phase === "restarting";
}

/** The progress line and how full its bar is (0 to 1; null: not known). */
export function describeInstall(state: InstallState): { text: string; fraction: number | null } {
  switch (state.phase) {
    case "downloading":
      if (state.total) {
        const fraction = Math.min(1, state.downloaded / state.total);
        return {
          text: `Downloading — ${formatBytes(state.downloaded)} of ${formatBytes(state.total)}`,
          fraction,
        };
      }
      return { text: state.downloaded > 0 ? `Downloading — ${formatBytes(state.downloaded)}` : "Downloading…", fraction: null };
    case "waiting":
      return { text: "Downloaded and verified. Installing once the running database operations finish…", fraction: 1 };
    case "restarting":
      return { text: "Installing; Quantum Admin restarts in a moment…", fraction: 1 };
    case "idle":
    case "failed":
      return { text: "", fraction: null };
  }
}
