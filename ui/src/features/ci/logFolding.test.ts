import { describe, expect, it } from "vitest";
import type { CiLogLine } from "../../api";
import { findMatches } from "../../components/log/ansi";
import { groupSizes, logEntries, revealEntry, shownEntries, toggleGroup } from "./logFolding";

const line = (text: string, group: number | null = null, extra: Partial<CiLogLine> = {}): CiLogLine => ({ text, group, title: false, mark: null, ...extra });

// As the core parses a GitHub log: two groups, an error outside them (errors are never folded).
const lines: CiLogLine[] = [
  line("Job started"),
  line("Run actions/checkout@v4", 0, { title: true }),
  line("Fetching the repository", 0),
  line("Checked out 1a2b3c4", 0),
  line("Run cargo test", 1, { title: true }),
  line("\u001b[1m   Compiling\u001b[0m quantum v0.1.0", 1),
  line("test tests::adds ... FAILED", 1),
  line("Process completed with exit code 101.", null, { mark: "error" }),
];
const entries = logEntries(lines);
const texts = (shown: { text: string }[]) => shown.map((entry) => entry.text);

describe("logEntries", () => {
  it("keeps plain text for search and the escapes for colours, only where there are some", () => {
    expect(entries[5]).toMatchObject({ text: "   Compiling quantum v0.1.0", raw: lines[5].text, group: 1 });
    expect(entries[0]).toMatchObject({ id: 0, text: "Job started", raw: null });
  });
});

describe("shownEntries", () => {
  it("folds every group by default, keeping the titles and the lines outside groups", () => {
    expect(texts(shownEntries(entries, new Set()))).toEqual([
      "Job started",
      "Run actions/checkout@v4",
      "Run cargo test",
      "Process completed with exit code 101.",
    ]);
  });

  it("shows an open group's lines under its title, the others still folded", () => {
    const open = toggleGroup(new Set(), 1);
    expect(texts(shownEntries(entries, open))).toEqual([
      "Job started",
      "Run actions/checkout@v4",
      "Run cargo test",
      "   Compiling quantum v0.1.0",
      "test tests::adds ... FAILED",
      "Process completed with exit code 101.",
    ]);
    expect(toggleGroup(open, 1).size).toBe(0);
  });

  it("counts each group's lines, a title alone counting none", () => {
    const withEmpty = logEntries([...lines, line("Post job cleanup", 2, { title: true })]);
    expect([...groupSizes(withEmpty)]).toEqual([
      [0, 2],
      [1, 2],
      [2, 0],
    ]);
  });
});

describe("search in folded groups", () => {
  it("finds lines that are folded away", () => {
    const matches = findMatches(entries, "failed");
    expect(matches.map((index) => entries[index].text)).toEqual(["test tests::adds ... FAILED"]);
    expect(shownEntries(entries, new Set())).not.toContain(entries[matches[0]]);
  });

  it("unfolds the group of the match it goes to, and only that one", () => {
    const match = entries[findMatches(entries, "1a2b3c4")[0]];
    const open = revealEntry(new Set(), match);
    expect([...open]).toEqual([0]);
    expect(shownEntries(entries, open)).toContain(match);
    expect(texts(shownEntries(entries, open))).not.toContain("test tests::adds ... FAILED");
  });

  it("changes nothing for a match already on screen", () => {
    const open = new Set([1]);
    expect(revealEntry(open, entries[0])).toBe(open);
    expect(revealEntry(open, entries[1])).toBe(open);
    expect(revealEntry(open, entries[6])).toBe(open);
  });
});
