/** Bytes as people read them: 512 B, 1.5 KiB, 3.2 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A TTL in milliseconds as the time left: “45 s”, “12 min”, “3 h”, “2 d”; no TTL is “none”. */
export function formatTtl(ms: number | null): string {
  if (ms === null) return "none";
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

/** The prefixes from the top down to `prefix`, for the breadcrumb: `a:b:` → ["", "a:", "a:b:"]. */
export function crumbs(prefix: string, delimiter: string): string[] {
  const levels = [""];
  let at = 0;
  while (prefix.length > 0) {
    const next = prefix.indexOf(delimiter, at);
    if (next < 0) break;
    at = next + delimiter.length;
    levels.push(prefix.slice(0, at));
  }
  return levels;
}
