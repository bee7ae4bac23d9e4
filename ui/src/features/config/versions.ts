// How a saved version of quantum.toml is named in the History list.
import type { ConfigSource, ConfigVersion } from "../../api";

export const sourceLabels: Record<ConfigSource, string> = {
  app: "Saved in the app",
  disk: "Changed on disk",
  restore: "Restored",
  import: "Imported",
};

/** The first 8 hex digits: enough to tell versions apart at a glance. */
export const shortHash = (hash: string) => hash.slice(0, 8);

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kib = bytes / 1024;
  return `${kib < 10 ? kib.toFixed(1) : Math.round(kib)} KB`;
}

/** What a version is called where the screen has room for one line. */
export function versionLabel(version: ConfigVersion, formatTime: (iso: string) => string): string {
  return `${formatTime(version.savedAt)} · ${sourceLabels[version.source].toLowerCase()} · ${shortHash(version.contentHash)}`;
}
