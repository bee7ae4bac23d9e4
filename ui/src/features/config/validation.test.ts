import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDebouncedValidator } from "./validation";

type Pending = { text: string; resolve: (result: string) => void; reject: (error: unknown) => void };

/** A validator whose calls the test answers by hand, in any order. */
function setup(delayMs = 250) {
  const calls: Pending[] = [];
  const onResult = vi.fn();
  const onError = vi.fn();
  const validator = createDebouncedValidator({
    validate: (text) =>
      new Promise<string>((resolve, reject) => {
        calls.push({ text, resolve, reject });
      }),
    onResult,
    onError,
    delayMs,
  });
  return { calls, onResult, onError, validator };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createDebouncedValidator", () => {
  it("checks once the typing pauses, with the last text only", async () => {
    const { calls, onResult, validator } = setup();
    validator.schedule("a");
    await vi.advanceTimersByTimeAsync(100);
    validator.schedule("ab");
    await vi.advanceTimersByTimeAsync(100);
    validator.schedule("abc");
    await vi.advanceTimersByTimeAsync(249);
    expect(calls).toEqual([]);

    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((call) => call.text)).toEqual(["abc"]);
    calls[0].resolve("markers of abc");
    await vi.runAllTimersAsync();
    expect(onResult).toHaveBeenCalledExactlyOnceWith("markers of abc", "abc");
  });

  it("drops an answer that comes back after newer text was scheduled", async () => {
    const { calls, onResult, validator } = setup();
    validator.schedule("old");
    await vi.advanceTimersByTimeAsync(250);
    validator.schedule("new");
    await vi.advanceTimersByTimeAsync(250);
    expect(calls.map((call) => call.text)).toEqual(["old", "new"]);

    // The newer answer first, then the stale one: only the newer one counts.
    calls[1].resolve("markers of new");
    calls[0].resolve("markers of old");
    await vi.runAllTimersAsync();
    expect(onResult).toHaveBeenCalledExactlyOnceWith("markers of new", "new");
  });

  it("drops a stale answer even while the newer text still waits for its pause", async () => {
    const { calls, onResult, validator } = setup();
    validator.schedule("old");
    await vi.advanceTimersByTimeAsync(250);
    validator.schedule("newer");
    calls[0].resolve("markers of old");
    await vi.advanceTimersByTimeAsync(10);
    expect(onResult).not.toHaveBeenCalled();
  });

  it("reports a failed check of the latest text, and not of stale ones", async () => {
    const { calls, onError, validator } = setup();
    validator.schedule("one");
    await vi.advanceTimersByTimeAsync(250);
    validator.schedule("two");
    await vi.advanceTimersByTimeAsync(250);
    calls[0].reject(new Error("stale failure"));
    calls[1].reject(new Error("the core is away"));
    await vi.runAllTimersAsync();
    expect(onError).toHaveBeenCalledExactlyOnceWith(new Error("the core is away"));
  });

  it("does nothing more once cancelled", async () => {
    const { calls, onResult, validator } = setup();
    validator.schedule("typed");
    await vi.advanceTimersByTimeAsync(250);
    validator.schedule("typed more");
    validator.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.map((call) => call.text)).toEqual(["typed"]);
    calls[0].resolve("markers");
    await vi.runAllTimersAsync();
    expect(onResult).not.toHaveBeenCalled();
  });
});
