import type { CiLogLine, LogMark } from "../../api";
import { hasEscapes, stripAnsi } from "../../components/log/ansi";
import type { LogViewLine } from "../../components/log/LogView";

/** A job's log line as the log view reads it, with its group and mark. */
export type CiLogEntry = LogViewLine & {
  group: number | null;
  /** The line that opens `group`: shown folded or not, as its toggle. */
  title: boolean;
  mark: LogMark | null;
};

export function logEntries(lines: readonly CiLogLine[]): CiLogEntry[] {
  return lines.map((line, id) => {
    const text = hasEscapes(line.text) ? stripAnsi(line.text) : line.text;
    return { id, text, raw: text === line.text ? null : line.text, group: line.group, title: line.title, mark: line.mark };
  });
}

/**
 * The lines on screen: those outside any group, every group's title, and the lines of the open
 * groups (groups are folded until opened).
 */
export function shownEntries(entries: readonly CiLogEntry[], open: ReadonlySet<number>): CiLogEntry[] {
  return entries.filter((entry) => entry.group === null || entry.title || open.has(entry.group));
}

/** The open groups once `entry` must be seen (a search match): its group opens if folded. */
export function revealEntry(open: ReadonlySet<number>, entry: CiLogEntry): ReadonlySet<number> {
  if (entry.group === null || entry.title || open.has(entry.group)) return open;
  return new Set(open).add(entry.group);
}

/** The open groups with `group` folded or unfolded. */
export function toggleGroup(open: ReadonlySet<number>, group: number): ReadonlySet<number> {
  const next = new Set(open);
  if (!next.delete(group)) next.add(group);
  return next;
}

/** Every group, with how many lines it holds besides its title (for its folded toggle). */
export function groupSizes(entries: readonly CiLogEntry[]): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const entry of entries) {
    if (entry.group !== null) sizes.set(entry.group, (sizes.get(entry.group) ?? 0) + (entry.title ? 0 : 1));
  }
  return sizes;
}
