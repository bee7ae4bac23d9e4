// The run under way (or last run) of each project, kept outside React so that leaving the Tests
// page and coming back shows the same output and results: the Channel keeps feeding this store.
import { useSyncExternalStore } from "react";
import { api, type RunEvent, type TestCaseResult, type TestRun, type TestRunInput } from "../../api";
import type { Counts } from "../../bindings";
import { ResultSet } from "./results";

export type LiveRun = {
  running: boolean;
  runId: number | null;
  suites: string[];
  currentSuite: string | null;
  counts: Counts;
  results: TestCaseResult[];
  run: TestRun | null;
  error: string | null;
};

/** Output kept for a page that opens later: the last few megabytes are enough to read. */
const OUTPUT_LIMIT = 4 * 1024 * 1024;
/**
 * How often the tree gets the results while they stream: redrawing it takes the window's main
 * thread for a while, so a run of thousands of tests would otherwise take most frames. The counts
 * still change with every batch.
 */
const RESULTS_EVERY_MS = 250;

class LiveRunStore {
  state: LiveRun = { running: false, runId: null, suites: [], currentSuite: null, counts: { passed: 0, failed: 0, skipped: 0 }, results: [], run: null, error: null };
  private output: string[] = [];
  private outputBytes = 0;
  private readonly listeners = new Set<() => void>();
  private readonly writers = new Set<(text: string) => void>();
  private results = new ResultSet();
  private resultsTimer: ReturnType<typeof setTimeout> | null = null;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Gets the output so far at once, then every new piece. */
  follow(writer: (text: string) => void, clear: () => void) {
    clear();
    for (const chunk of this.output) writer(chunk);
    this.writers.add(writer);
    return () => this.writers.delete(writer);
  }

  private set(patch: Partial<LiveRun>) {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private write(text: string) {
    this.output.push(text);
    this.outputBytes += text.length;
    while (this.outputBytes > OUTPUT_LIMIT && this.output.length > 1) this.outputBytes -= this.output.shift()!.length;
    for (const writer of this.writers) writer(text);
  }

  private cancelResultsTimer() {
    if (this.resultsTimer !== null) clearTimeout(this.resultsTimer);
    this.resultsTimer = null;
  }

  private publishResults() {
    this.cancelResultsTimer();
    this.set({ results: this.results.all() });
  }

  async start(input: TestRunInput): Promise<TestRun> {
    this.output = [];
    this.outputBytes = 0;
    this.cancelResultsTimer();
    this.results = new ResultSet();
    for (const writer of this.writers) writer("\u001bc");
    this.set({ running: true, runId: null, suites: [], currentSuite: null, counts: { passed: 0, failed: 0, skipped: 0 }, results: [], run: null, error: null });
    try {
      const run = await api.testsRun(input, (event) => this.onEvent(event));
      await afterPaint();
      this.set({ running: false, run });
      return run;
    } catch (error) {
      this.set({ running: false, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  private onEvent(event: RunEvent) {
    switch (event.kind) {
      case "started":
        this.set({ runId: event.runId, suites: event.suites });
        break;
      case "suiteStarted":
        this.write(`\u001b[1;34m$ ${event.command}\u001b[0m\n`);
        this.set({ currentSuite: event.suite });
        break;
      case "output":
        this.write(event.text);
        break;
      case "results":
        this.results.put(event.results);
        this.set({ counts: event.counts });
        this.resultsTimer ??= setTimeout(() => this.publishResults(), RESULTS_EVERY_MS);
        break;
      case "finished":
        // The page's redraw for the finished run waits for the terminal to show the last output.
        void afterPaint().then(() => {
          this.publishResults();
          this.set({ run: event.run, currentSuite: null });
        });
        break;
    }
  }
}

/**
 * Resolves once the window has painted a frame (the terminal draws in it), or after 100 ms: a
 * hidden window paints no frames, and its run must still end.
 */
const afterPaint = () =>
  new Promise<void>((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });

const stores = new Map<number, LiveRunStore>();

export function liveRunStore(projectId: number): LiveRunStore {
  let store = stores.get(projectId);
  if (!store) stores.set(projectId, (store = new LiveRunStore()));
  return store;
}

export function useLiveRun(projectId: number): LiveRun {
  const store = liveRunStore(projectId);
  return useSyncExternalStore(store.subscribe, () => store.state);
}
