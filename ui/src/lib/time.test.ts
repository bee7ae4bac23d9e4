import { describe, expect, it } from "vitest";
import { formatRelativeTime } from "./time";

const now = new Date("2026-11-21T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("formatRelativeTime", () => {
  it.each([
    [ago(5_000), "just now"],
    [ago(-10_000), "just now"],
    [ago(MINUTE), "1 minute ago"],
    [ago(5 * MINUTE), "5 minutes ago"],
    [ago(3 * HOUR), "3 hours ago"],
    [ago(DAY), "yesterday"],
    [ago(4 * DAY), "4 days ago"],
  ])("describes %s as “%s”", (iso, expected) => {
    expect(formatRelativeTime(iso, now)).toBe(expected);
  });

  it("gives the date once it is over a month old", () => {
    expect(formatRelativeTime("2026-03-12T09:00:00Z", now)).toBe("Mar 12, 2026");
  });

  it("shows an unreadable timestamp as it came", () => {
    expect(formatRelativeTime("not a date", now)).toBe("not a date");
  });
});
