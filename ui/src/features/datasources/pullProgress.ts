import type { PullProgress } from "../../api";

/** Bytes the way Docker counts them, in powers of 1000: "45 MB", "1.2 GB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** "Pulling postgres:16-alpine — 3/7 layers, 45 MB of 120 MB", with what is known so far. */
export function describePullProgress(progress: PullProgress): string {
  const parts: string[] = [];
  if (progress.layersTotal > 0) parts.push(`${progress.layersDone}/${progress.layersTotal} layers`);
  if (progress.downloadedBytes !== null) {
    parts.push(
      progress.totalBytes
        ? `${formatBytes(progress.downloadedBytes)} of ${formatBytes(progress.totalBytes)}`
        : formatBytes(progress.downloadedBytes),
    );
  }
  return parts.length > 0 ? `Pulling ${progress.image} — ${parts.join(", ")}` : `Pulling ${progress.image}…`;
}

/** How far along the pull is, from 0 to 1; null while nothing tells. */
export function pullFraction(progress: PullProgress): number | null {
  if (progress.downloadedBytes !== null && progress.totalBytes) {
    return Math.min(1, progress.downloadedBytes / progress.totalBytes);
  }
  if (progress.layersTotal > 0) return progress.layersDone / progress.layersTotal;
  return null;
}
