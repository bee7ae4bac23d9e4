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
