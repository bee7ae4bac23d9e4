import { describe, expect, it } from "vitest";
import { LogBuffer } from "./logBuffer";

const out = (text: string) => ({ stream: "stdout" as const, text });

describe("LogBuffer", () => {
  it("shows received lines at the next flush, plain and with their level", () => {
    const buffer = new LogBuffer("postgres");
    buffer.receive([out("\u001b[31mERROR:\u001b[0m  boom"), out("plain")]);
    expect(buffer.lines).toEqual([]);
    expect(buffer.flush()).toBe(true);
    expect(buffer.lines).toEqual([
      { id: 0, stream: "stdout", text: "ERROR:  boom", raw: "\u001b[31mERROR:\u001b[0m  boom", level: "error" },
      { id: 1, stream: "stdout", text: "plain", raw: null, level: null },
    ]);
    expect([...buffer.levelsSeen]).toEqual(["error"]);
    expect(buffer.flush()).toBe(false);
  });

  it("holds lines while paused and shows them on resume", () => {
    const buffer = new LogBuffer("redis");
    buffer.paused = true;
    buffer.receive([out("a"), out("b")]);
    expect(buffer.flush()).toBe(false);
    expect(buffer.held).toBe(2);
    buffer.paused = false;
    expect(buffer.flush()).toBe(true);
    expect(buffer.lines.map((line) => line.text)).toEqual(["a", "b"]);
  });

  it("drops the oldest lines past its cap, keeping their ids", () => {
    const buffer = new LogBuffer("mysql", 3);
    buffer.receive([out("1"), out("2")]);
    buffer.flush();
    buffer.receive([out("3"), out("4"), out("5")]);
    buffer.flush();
    expect(buffer.lines.map((line) => [line.id, line.text])).toEqual([
      [2, "3"],
      [3, "4"],
      [4, "5"],
    ]);
    expect(buffer.text()).toBe("3\n4\n5\n");
  });
});
