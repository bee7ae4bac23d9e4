import type { Engine, LogLine, LogStream } from "../../api";
import { hasEscapes, stripAnsi } from "../../components/log/ansi";
import { logLevelOf, type LogLineLevel } from "./logLevels";

/** A received line, ready to filter and search: its text without escapes, and its level. */
export type LogEntry = {
  /** Counts up from 0 over the stream; stays with the line when older lines are dropped. */
  id: number;
  stream: LogStream;
  text: string;
  /** The line as received, kept only when it has escapes to render as colours. */
  raw: string | null;
  level: LogLineLevel | null;
};

export const LOG_LINE_CAP = 200_000;

/**
 * The lines of one log stream. Received lines wait in `incoming` until {@link flush} (once per
 * animation frame) or, while paused, until resumed. Past `cap` lines, the oldest are dropped.
 */
export class LogBuffer {
  lines: LogEntry[] = [];
  /** Which levels any line so far showed; the level filter is offered once there are some. */
  readonly levelsSeen = new Set<LogLineLevel>();
  paused = false;
  private incoming: LogEntry[] = [];
  private nextId = 0;

  constructor(
    private readonly engine: Engine,
    private readonly cap = LOG_LINE_CAP,
  ) {}

  receive(lines: LogLine[]) {
    for (const line of lines) {
      const text = hasEscapes(line.text) ? stripAnsi(line.text) : line.text;
      const level = logLevelOf(this.engine, text);
      if (level) this.levelsSeen.add(level);
      this.incoming.push({
        id: this.nextId++,
        stream: line.stream,
        text,
        raw: text === line.text ? null : line.text,
        level,
      });
    }
    if (this.incoming.length > this.cap) this.incoming.splice(0, this.incoming.length - this.cap);
  }

  /** A method, not an assignment, for views that keep the buffer in React state. */
  setPaused(paused: boolean) {
    this.paused = paused;
  }

  /** Lines received but not shown yet, because the view is paused. */
  get held(): number {
    return this.paused ? this.incoming.length : 0;
  }

  /** Moves received lines into `lines`; returns whether `lines` changed. */
  flush(): boolean {
    if (this.paused || this.incoming.length === 0) return false;
    // A new array, so views that keep the old one (React state) see the change.
    const combined = this.lines.concat(this.incoming);
    this.incoming = [];
    this.lines = combined.length > this.cap ? combined.slice(combined.length - this.cap) : combined;
    return true;
  }

  /** Everything in memory as plain text, for saving to a file. */
  text(): string {
    return this.lines.map((line) => `${line.text}\n`).join("");
  }
}
