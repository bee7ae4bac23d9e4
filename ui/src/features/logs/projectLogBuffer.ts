import type { LogEntry, LogLineLevel } from "../../api";
import { hasEscapes, stripAnsi } from "../../components/log/ansi";
import { HeldLines } from "../../components/log/heldLines";
import type { LogViewLine } from "../../components/log/LogView";

/** A line of the project's log, ready to filter, search and show. */
export type ProjectLogLine = LogViewLine & {
  /** Milliseconds since the Unix epoch. */
  at: number;
  source: number;
  level: LogLineLevel | null;
};

/** Which lines show: not those of hidden sources; at least `minLevel` (every line when null). */
export type ProjectLogFilter = { hiddenSources: ReadonlySet<number>; minLevel: LogLineLevel | null };

export const PROJECT_LOG_CAP = 1_000_000;

const rank: Record<LogLineLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export function passes(line: ProjectLogLine, filter: ProjectLogFilter): boolean {
  if (filter.hiddenSources.has(line.source)) return false;
  if (filter.minLevel === null) return true;
  return line.level !== null && rank[line.level] >= rank[filter.minLevel];
}

const unfiltered = (filter: ProjectLogFilter) => filter.hiddenSources.size === 0 && filter.minLevel === null;

/**
 * The lines of a project's log, held while paused and capped as {@link HeldLines} keeps them. The
 * lines a filter shows are kept up to date by appending, so a flood costs the new lines, not the
 * million.
 */
export class ProjectLogBuffer extends HeldLines<ProjectLogLine> {
  private nextId = 0;
  private shownFor: ProjectLogFilter | null = null;
  private shownLines: ProjectLogLine[] = [];
  private shownUpTo = -1;

  constructor(cap = PROJECT_LOG_CAP) {
    super(cap);
  }

  receive(entries: LogEntry[]) {
    this.hold(
      entries.map((entry) => {
        const text = hasEscapes(entry.text) ? stripAnsi(entry.text) : entry.text;
        return {
          id: this.nextId++,
          at: entry.atMs ?? Date.now(),
          source: entry.source,
          level: entry.level,
          text,
          raw: text === entry.text ? null : entry.text,
        };
      }),
    );
  }

  /** The lines `filter` shows, in order; the same array while nothing changed. */
  shown(filter: ProjectLogFilter): ProjectLogLine[] {
    if (unfiltered(filter)) return this.lines;
    const last = this.lines.at(-1)?.id ?? -1;
    if (this.shownFor !== filter) {
      this.shownFor = filter;
      this.shownLines = this.lines.filter((line) => passes(line, filter));
    } else if (last !== this.shownUpTo) {
      // Ids are consecutive, so the new lines start right after the last one seen.
      const first = this.lines[0]?.id ?? 0;
      const fresh = this.lines.slice(Math.max(0, this.shownUpTo + 1 - first)).filter((line) => passes(line, filter));
      // Lines dropped past the cap go from the shown ones too (they are at the front).
      let dropped = 0;
      while (dropped < this.shownLines.length && this.shownLines[dropped].id < first) dropped++;
      this.shownLines = (dropped > 0 ? this.shownLines.slice(dropped) : this.shownLines).concat(fresh);
    }
    this.shownUpTo = last;
    return this.shownLines;
  }
}
