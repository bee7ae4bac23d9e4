import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RelativeTime } from "./RelativeTime";

function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  act(() => {
    document.dispatchEvent(new Event("visibilitychange"));
  });
}

describe("RelativeTime", () => {
  afterEach(() => {
    setVisibility("visible");
    vi.useRealTimers();
  });

  it("keeps counting on screen, stops while the window is hidden, and catches up when shown", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-11-30T12:00:00Z"));
    setVisibility("visible");
    render(<RelativeTime iso="2026-11-30T11:59:30Z" />);
    const text = () => screen.getByRole("time", { hidden: true }).textContent;
    const first = text();

    act(() => {
      vi.advanceTimersByTime(5 * 60_000);
    });
    const counted = text();
    expect(counted).not.toBe(first);

    setVisibility("hidden");
    expect(vi.getTimerCount()).toBe(0);
    act(() => {
      vi.advanceTimersByTime(60 * 60_000);
    });
    expect(text()).toBe(counted);

    setVisibility("visible");
    expect(text()).not.toBe(counted);
    expect(vi.getTimerCount()).toBe(1);
  });
});
