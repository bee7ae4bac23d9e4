import { describe, expect, it } from "vitest";
import { cellText, isNumeric, pagesFor } from "./pages";

describe("the console grid's paging", () => {
  it("asks only for the pages the visible rows fall in", () => {
    expect(pagesFor(0, 30)).toEqual([0]);
    expect(pagesFor(480, 520)).toEqual([0, 1]);
    expect(pagesFor(999_990, 999_999)).toEqual([1999]);
    expect(pagesFor(5, 4)).toEqual([]);
  });

  it("shows NULL apart from the empty string, and numbers as numbers", () => {
    expect(cellText(null)).toEqual({ text: "NULL", isNull: true });
    expect(cellText("")).toEqual({ text: "", isNull: false });
    expect(isNumeric("int4")).toBe(true);
    expect(isNumeric("NUMERIC")).toBe(true);
    expect(isNumeric("text")).toBe(false);
  });
});
