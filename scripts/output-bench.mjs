// 1,000,000 lines printed by a test process, until the Tests page's terminal shows the last one,
// beside the same process writing through a pipe drained to /dev/null. Prints; asserts nothing.
// Target (the issue's): the lines reach the terminal view at >= 0.9x the pipe's rate.
//
// Two processes: `yes … | head -n 1000000` (57 MB), the fastest a test can print, and Python
// writing the same lines one by one (what a test process does); each then prints a line that
// marks its end. In the page, a requestAnimationFrame loop clicks the suite's Run and stamps the
// first frame whose terminal rows show that line (what a user sees, not what was sent). The time
// counted is from the process's start (it writes the clock to a file first) to that frame; the
// time from the click, with the app's start of a run, is printed beside it, as is a run that
// prints only the end line. Alternating with the pipe, 5 pairs each, medians.
//
// Run (scripts/bench does):
//   QUANTUM_APP_BINARY=…/quantum-admin xvfb-run -a -s "-screen 0 1440x900x24" \
//     scripts/with-test-session node scripts/output-bench.mjs
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { By } from "selenium-webdriver";
import { byTestId, fromPage, openNewProject, startApp, testSettings, waitFor } from "../tests/e2e/harness.mjs";

const LINES = 1_000_000;
const PAIRS = 5;
const TIMEOUT_MS = 120_000;
const LINE = "test output line: 0123456789 abcdefghijklmnopqrstuvwxyz";
const END = "quantum-output-end";
/** The fastest a process can print, and a test process in Python printing line by line. */
const PRODUCERS = {
  yes: `yes '${LINE}' | head -n ${LINES}`,
  python: "python3 print.py",
};
const PRINT_PY = `import sys\nsys.stdout.writelines("${LINE}\\n" for _ in range(${LINES}))\n`;

const suite = (name, command) => `[tests.${name}]
command = ${JSON.stringify(`sh -c "${command}"`)}
format = "none"
`;

const QUANTUM_TOML = [
  `[project]\nname = "output"\n`,
  ...Object.entries(PRODUCERS).map(([name, print]) => suite(name, `date +%s%3N > started; ${print}; echo ${END}-$(date +%s%N)`)),
  suite("empty", `echo ${END}-$(date +%s%N)`),
].join("\n");

/**
 * Installed in the page: clicks the suite's Run, then stamps the frame that shows this run's end
 * line (each run's carries its own time, so the last run's, still on screen, does not count).
 */
const PROBE = `
const [suite, end] = arguments;
const probe = (window.__outputProbe = { done: false });
const marker = () => (document.querySelector('[data-testid="test-terminal"] .xterm-rows')?.innerText ?? "").match(new RegExp(end + "-\\\\d+"))?.[0] ?? null;
const before = marker();
const started = performance.now();
document.querySelector('[data-testid="test-suite"][data-suite-name="' + suite + '"] [data-testid="test-suite-run"]').click();
const frame = (t) => {
  const now = marker();
  if (now !== null && now !== before) {
    probe.ms = performance.now() - started;
    probe.shownAt = Date.now();
    probe.done = true;
    return;
  }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
`;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function piped(print, folder) {
  const started = process.hrtime.bigint();
  const result = spawnSync("sh", ["-c", `${print} | cat > /dev/null`], { cwd: folder });
  if (result.status !== 0) throw new Error(`the pipe run failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** How long from the click until the run's last line is on screen; and when it was, since 1970. */
async function inApp(driver, suite) {
  await driver.wait(
    async () => (await driver.findElements(By.css('[data-testid="test-run-status"][data-status="running"]'))).length === 0,
    TIMEOUT_MS,
    "no run under way",
  );
  await waitFor(driver, By.css(`[data-testid="test-suite"][data-suite-name="${suite}"] [data-testid="test-suite-run"]:not([disabled])`), TIMEOUT_MS);
  await driver.executeScript(PROBE, suite, END);
  const probe = await driver.wait(
    async () => {
      const seen = await fromPage(driver, "return window.__outputProbe;");
      return seen.done ? seen : null;
    },
    TIMEOUT_MS,
    `the ${suite} suite's last line is shown`,
    100,
  );
  // The next run starts from a finished one.
  await driver.wait(
    async () => (await driver.findElements(By.css('[data-testid="test-run-status"][data-status="passed"]'))).length === 1,
    TIMEOUT_MS,
    "the run ends",
  );
  return probe;
}

async function main() {
  if (!process.env.QUANTUM_APP_BINARY) {
    console.log("   (QUANTUM_APP_BINARY unset: the app is not measured)");
    return;
  }
  const folder = await mkdtemp(join(tmpdir(), "quantum-output-bench-"));
  await writeFile(join(folder, "quantum.toml"), QUANTUM_TOML);
  await writeFile(join(folder, "print.py"), PRINT_PY);
  const app = await startApp({ settings: testSettings });
  const { driver } = app;
  try {
    await openNewProject(driver, "output", folder);
    await (await waitFor(driver, byTestId("project-tests-link"), TIMEOUT_MS)).click();
    const rate = (ms) => `${(LINES / ms / 1000).toFixed(2)} M lines/s`;
    const empty = [];
    for (const [name, print] of Object.entries(PRODUCERS)) {
      await inApp(driver, name); // a first run warms the page and the disk cache
      const pipe = [];
      const shown = [];
      const fromStart = [];
      for (let pair = 0; pair < PAIRS; pair++) {
        pipe.push(piped(print, folder));
        empty.push((await inApp(driver, "empty")).ms);
        const probe = await inApp(driver, name);
        shown.push(probe.ms);
        // The process wrote the time it started printing: from then to the last line on screen.
        fromStart.push(probe.shownAt - Number((await readFile(join(folder, "started"), "utf8")).trim()));
      }
      const [p, a, f] = [median(pipe), median(shown), median(fromStart)];
      console.log(`   ${name}: through a pipe to /dev/null ${p.toFixed(0)} ms (${rate(p)}), median of ${PAIRS}`);
      console.log(
        `   ${name}: from the process's start to its last line on screen ${f.toFixed(0)} ms (${rate(f)}): ${(p / f).toFixed(2)}x (target >= 0.9x)`,
      );
      console.log(`   ${name}: from the click (starting the run included) ${a.toFixed(0)} ms (${rate(a)}): ${(p / a).toFixed(2)}x`);
    }
    console.log(`   a run that prints one line: ${median(empty).toFixed(0)} ms from the click to that line on screen`);
    const text = await fromPage(driver, `return document.querySelector('[data-testid="test-terminal"] .xterm-rows')?.innerText ?? "";`);
    console.log(`   the terminal's last rows end with: ${JSON.stringify(text.trim().split("\n").slice(-2))}`);
  } finally {
    await app.close();
    await rm(folder, { recursive: true, force: true });
  }
}

await main();
