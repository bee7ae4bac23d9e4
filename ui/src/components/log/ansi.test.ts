import { describe, expect, it } from "vitest";
import { markMatches, parseAnsi, stripAnsi } from "./ansi";

const ESC = "\u001b";

describe("parseAnsi", () => {
  it("leaves plain text as one plain segment", () => {
    expect(parseAnsi("ready to accept connections")).toEqual([
      { text: "ready to accept connections", fg: null, bg: null, bold: false },
    ]);
  });

  it("colours text until a reset", () => {
    expect(parseAnsi(`${ESC}[31mERROR${ESC}[0m: disk full`)).toEqual([
      { text: "ERROR", fg: 1, bg: null, bold: false },
      { text: ": disk full", fg: null, bg: null, bold: false },
    ]);
  });

  it("combines bold, bright colours and backgrounds, and resets them one by one", () => {
    expect(parseAnsi(`${ESC}[1;93;44mA${ESC}[22mB${ESC}[39;49mC${ESC}[mD`)).toEqual([
      { text: "A", fg: 11, bg: 4, bold: true },
      { text: "B", fg: 11, bg: 4, bold: false },
      { text: "CD", fg: null, bg: null, bold: false },
    ]);
  });

  it("takes the first 16 colours of the 256-colour palette and skips RGB colours", () => {
    expect(parseAnsi(`${ESC}[38;5;9mA${ESC}[38;2;10;20;30;1mB`)).toEqual([
      { text: "A", fg: 9, bg: null, bold: false },
      { text: "B", fg: 9, bg: null, bold: true },
    ]);
  });

  it("drops cursor moves, titles and carriage returns, keeping the text around them", () => {
    expect(parseAnsi(`a${ESC}[2Kb${ESC}]0;title${String.fromCharCode(7)}c\rd${ESC}[?25le`)).toEqual([
      { text: "abcde", fg: null, bg: null, bold: false },
    ]);
  });

  it("merges runs that end up in the same style", () => {
    expect(parseAnsi(`${ESC}[32mok${ESC}[32m!`)).toEqual([{ text: "ok!", fg: 2, bg: null, bold: false }]);
  });
});

describe("stripAnsi", () => {
  it("keeps only the text", () => {
    expect(stripAnsi(`${ESC}[1m${ESC}[31mFATAL${ESC}[0m:  role does not exist`)).toBe("FATAL:  role does not exist");
  });
});

describe("markMatches", () => {
  it("marks case-insensitive matches, also across colours", () => {
    const marked = markMatches(parseAnsi(`${ESC}[31mRea${ESC}[0mdy and ready`), "ready");
    expect(marked.map(({ text, match, fg }) => [text, match, fg])).toEqual([
      ["Rea", true, 1],
      ["dy", true, null],
      [" and ", false, null],
      ["ready", true, null],
    ]);
  });

  it("marks nothing for an empty query", () => {
    expect(markMatches(parseAnsi("text"), "")).toEqual([{ text: "text", fg: null, bg: null, bold: false, match: false }]);
  });

  it("treats the query as text, not as a pattern", () => {
    expect(markMatches(parseAnsi("a.b axb"), "a.b").map((segment) => segment.match)).toEqual([true, false]);
  });
});
