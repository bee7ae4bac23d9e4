// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunEvent, TestCaseResult, TestRun } from "../../api";

// The run's events come from the test below, as the Channel would hand them over.
let emit: (event: RunEvent) => void = () => {};
let finish: (run: TestRun) => void = () => {};
vi.mock("../../api", () => ({
  api: {
    testsRun: (_input: unknown, onEvent: (event: RunEvent) => void) => {
      emit = onEvent;
      return new Promise<TestRun>((resolve) => (finish = resolve));
    },
  },
}));

const { liveRunStore } = await import("./liveRuns");

const result = (name: string): TestCaseResult =>
  ({ suite: "unit", group: "", name, status: "passed", durationMs: 1, message: null, output: null, retried: false }) as unknown as TestCaseResult;
const counts = (passed: number) => ({ passed, failed: 0, skipped: 0 });

describe("a streaming run", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("updates the counts with every batch, the tree a few times a second, and the tree whole at the end", async () => {
    const store = liveRunStore(41);
    const started = store.start({ request: { projectId: 41, suites: [], tests: [], rerunFailed: false }, environment: null, startDatasources: false });
    emit({ kind: "results", results: [result("a")], counts: counts(1) });
    emit({ kind: "results", results: [result("b")], counts: counts(2) });
    expect(store.state.counts.passed).toBe(2);
    expect(store.state.results).toHaveLength(0);

    vi.advanceTimersByTime(250);
    expect(store.state.results.map((r) => r.name)).toEqual(["a", "b"]);

    emit({ kind: "results", results: [result("c")], counts: counts(3) });
    const run = { id: 1, counts: counts(3) } as unknown as TestRun;
    emit({ kind: "finished", run });
    // The page redraws for the end once the terminal has painted the last output.
    await vi.advanceTimersByTimeAsync(20);
    expect(store.state.results.map((r) => r.name)).toEqual(["a", "b", "c"]);
    finish(run);
    await vi.advanceTimersByTimeAsync(20);
    await started;
    expect(store.state.running).toBe(false);
  });
});
