// The results of a run as the page shows them: the latest result of each test, the rows of the
// suite → group → test tree, and the file:line places a failure's text points at.
import type { Counts, TestCaseResult, TestRef, TestRunStatus, TestStatus } from "../../bindings";

export const testKey = (t: TestRef) => `${t.suite}\u0000${t.group}\u0000${t.name}`;

/** Results as they arrive: a later result of the same test replaces the earlier one. */
export class ResultSet {
  private readonly byKey = new Map<string, TestCaseResult>();

  put(results: TestCaseResult[]) {
    for (const result of results) this.byKey.set(testKey(result), result);
  }

  all(): TestCaseResult[] {
    return [...this.byKey.values()];
  }

  get size() {
    return this.byKey.size;
  }
}

export type TreeRow =
  | { kind: "suite"; key: string; suite: string; counts: Counts }
  | { kind: "group"; key: string; suite: string; group: string; counts: Counts }
  | { kind: "test"; key: string; result: TestCaseResult };

const empty = (): Counts => ({ passed: 0, failed: 0, skipped: 0 });
const bump = (counts: Counts, status: TestStatus) => {
  counts[status] += 1;
};
const order: Record<TestStatus, number> = { failed: 0, passed: 1, skipped: 2 };

/**
 * The tree's rows, suites and groups in the order they first came, failures first inside a
 * group; `onlyFailed` keeps the failed tests (and their parents). Groups named like their suite
 * (or empty) are not shown as a level of their own.
 */
export function treeRows(results: TestCaseResult[], onlyFailed: boolean, collapsed: ReadonlySet<string> = new Set()): TreeRow[] {
  const suites = new Map<string, Map<string, TestCaseResult[]>>();
  for (const result of results) {
    if (onlyFailed && result.status !== "failed") continue;
    let groups = suites.get(result.suite);
    if (!groups) suites.set(result.suite, (groups = new Map()));
    let tests = groups.get(result.group);
    if (!tests) groups.set(result.group, (tests = []));
    tests.push(result);
  }
  const rows: TreeRow[] = [];
  for (const [suite, groups] of suites) {
    const suiteCounts = empty();
    const suiteRow: TreeRow = { kind: "suite", key: `s:${suite}`, suite, counts: suiteCounts };
    rows.push(suiteRow);
    for (const [group, tests] of groups) {
      const groupCounts = empty();
      for (const test of tests) {
        bump(suiteCounts, test.status);
        bump(groupCounts, test.status);
      }
      if (collapsed.has(suiteRow.key)) continue;
      const showGroup = group !== "" && group !== suite;
      const groupKey = `g:${suite}\u0000${group}`;
      if (showGroup) rows.push({ kind: "group", key: groupKey, suite, group, counts: groupCounts });
      if (showGroup && collapsed.has(groupKey)) continue;
      const sorted = [...tests].sort((a, b) => order[a.status] - order[b.status]);
      for (const result of sorted) rows.push({ kind: "test", key: `t:${testKey(result)}`, result });
    }
  }
  return rows;
}

export type Place = { file: string; line: number; text: string };

// `src/lib.rs:20:9`, `tests/test_math.py:9`, `at math.test.js:9:21`, `fx_test.go:14`.
const placePattern = /(\/?(?:[\w.-]+\/)*[\w.-]+\.(?:rs|py|js|mjs|cjs|jsx|ts|tsx|go|java|kt|rb|php|cs)):(\d+)/g;

/** The file:line places in a failure's text, first one first, each once. */
export function places(text: string | null | undefined): Place[] {
  if (!text) return [];
  const seen = new Set<string>();
  const found: Place[] = [];
  for (const match of text.matchAll(placePattern)) {
    const [whole, file, line] = match;
    // Paths into toolchains and dependencies are no place the user edits.
    if (/^(?:\/rustc|.*node_modules|.*site-packages|.*\/go\/src)/.test(file) || seen.has(whole)) continue;
    seen.add(whole);
    found.push({ file, line: Number(line), text: whole });
  }
  return found;
}

/** Text without ANSI escape sequences, for the detail panel. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "");
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** What a run's status is called on the page. */
export const statusLabels: Record<TestRunStatus, string> = {
  running: "Running",
  passed: "Passed",
  failed: "Failed",
  error: "Could not run",
  cancelled: "Cancelled",
  timed_out: "Timed out",
};

/** Words as a POSIX shell would need them typed: quoted only where a word needs it. */
export function shellJoin(words: string[]): string {
  return words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(" ");
}
