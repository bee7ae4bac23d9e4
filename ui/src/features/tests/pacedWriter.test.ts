import { describe, expect, it } from "vitest";
import { lastLines, pacedWriter } from "./pacedWriter";

const numbered = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`).join("");

describe("the terminal's pace under a flood", () => {
  it("keeps the last lines of a text, and a reset that came before them", () => {
    expect(lastLines(numbered(0, 10), 3)).toBe(numbered(7, 10));
    expect(lastLines(numbered(0, 2), 3)).toBe(numbered(0, 2));
    expect(lastLines(`${numbered(0, 5)}partial`, 2)).toBe("line 4\npartial");
    expect(lastLines(`old\n\u001bc${numbered(0, 10)}`, 3)).toBe(`\u001bc${numbered(7, 10)}`);
  });

  it("writes one piece at a time, and what waited meanwhile as one cut piece", () => {
    const written: string[] = [];
    const done: Array<() => void> = [];
    const terminal = { write: (data: string, callback?: () => void) => (written.push(data), callback && done.push(callback)) };
    const write = pacedWriter(terminal, 3);

    write(numbered(0, 2));
    write(numbered(2, 6));
    write(numbered(6, 9));
    expect(written).toEqual([numbered(0, 2)]);
    done.shift()!();
    expect(written).toEqual([numbered(0, 2), numbered(6, 9)]);
    done.shift()!();
    write(numbered(9, 10));
    expect(written.at(-1)).toBe(numbered(9, 10));
  });
});
