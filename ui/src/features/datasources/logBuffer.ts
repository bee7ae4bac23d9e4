import type { Engine, LogLine, LogStream } from "../../api";
import { hasEscapes, stripAnsi } from "../../components/log/ansi";
import { HeldLines } from "../../components/log/heldLines";
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
 * The lines of one datasource's log, each with the level its engine's format shows; what the
 * view shows, held while paused and capped, as {@link HeldLines} keeps it.
 */
export class LogBuffer extends HeldLines<LogEntry> {
  /** Which levels any line so far showed; the level filter is offered once there are some. */
  readonly levelsSeen = new Set<LogLineLevel>();
  private nextId = 0;

  constructor(
    private readonly engine: Engine,
    cap = LOG_LINE_CAP,
  ) {
    super(cap);
  }

  receive(lines: LogLine[]) {
    this.hold(
      lines.map((line) => {
        const text = hasEscapes(line.text) ? stripAnsi(line.text) : line.text;
        const level = logLevelOf(this.engine, text);
        if (level) this.levelsSeen.add(level);
        return { id: this.nextId++, stream: line.stream, text, raw: text === line.text ? null : line.text, level };
      }),
    );
  }

  /** Everything in memory as plain text, for saving to a file. */
  text(): string {
    return this.lines.map((line) => `${line.text}\n`).join("");
  }
}
