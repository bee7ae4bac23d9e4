import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../api";
import { ProjectLogBuffer, type ProjectLogFilter } from "./projectLogBuffer";

const entry = (atMs: number, source: number, text: string, level: LogEntry["level"] = null): LogEntry => ({ atMs, source, text, level });
const all: ProjectLogFilter = { hiddenSources: new Set(), minLevel: null };

describe("ProjectLogBuffer", () => {
  it("shows what arrived at the next flush, colours kept aside and stripped for search", () => {
    const buffer = new ProjectLogBuffer();
    buffer.receive([entry(1, 0, "\u001b[31mERROR\u001b[0m boom", "error")]);
    expect(buffer.lines).toHaveLength(0);
    expect(buffer.flush()).toBe(true);
    expect(buffer.lines[0]).toMatchObject({ text: "ERROR boom", raw: "\u001b[31mERROR\u001b[0m boom", level: "error", at: 1 });
  });

  it("holds lines while paused and shows them on resume", () => {
    const buffer = new ProjectLogBuffer();
    buffer.setPaused(true);
    buffer.receive([entry(1, 0, "a"), entry(2, 0, "b")]);
    expect(buffer.flush()).toBe(false);
    expect(buffer.held).toBe(2);
    buffer.setPaused(false);
    expect(buffer.flush()).toBe(true);
    expect(buffer.lines.map((line) => line.text)).toEqual(["a", "b"]);
  });

  it("filters by source and least level, keeps up as lines come, and drops the oldest past the cap", () => {
    const buffer = new ProjectLogBuffer(4);
    const filter: ProjectLogFilter = { hiddenSources: new Set([1]), minLevel: "warning" };
    buffer.receive([entry(1, 0, "w", "warning"), entry(2, 1, "other source", "error"), entry(3, 0, "i", "info"), entry(4, 0, "none")]);
    buffer.flush();
    expect(buffer.shown(filter).map((line) => line.text)).toEqual(["w"]);
    expect(buffer.shown(all)).toBe(buffer.lines);

    buffer.receive([entry(5, 0, "e", "error"), entry(6, 0, "e2", "error")]);
    buffer.flush();
    // "w" and "other source" went past the cap of 4.
    expect(buffer.lines.map((line) => line.text)).toEqual(["i", "none", "e", "e2"]);
    expect(buffer.shown(filter).map((line) => line.text)).toEqual(["e", "e2"]);
    const same = buffer.shown(filter);
    expect(buffer.shown(filter)).toBe(same);
  });
});
