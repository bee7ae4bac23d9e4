// The Tests page while a run of 10,000 tests streams, in the real window. Prints; asserts nothing.
// Target (the issue's): the results tree stays at 60 fps while the run streams.
//
// The suite is a custom command in the project's quantum.toml, read as libtest's text
// (`format = "libtest"`): a Python script that prints `test group_G::test_N ... ok` for 10,000
// tests in 50 groups, 100 lines every 50 ms (about 5 s), every 97th one failed and every 89th
// ignored, so results arrive in every batch the app sends (every 50 ms) and the tree grows by
// about a hundred rows each time.
//
// Measured in the page with requestAnimationFrame timestamps (installed by a script that then
// clicks "Run all", so WebDriver's latency is not in them): an idle second first (WebKit's frame
// clock alone under Xvfb), a second with one line of text changed every frame (the control: the
// least repaint a page can ask for, which shows what this display can do at all), then every frame
// from the click until the page shows the run finished.
// Beside them, the main thread's long tasks (>= 50 ms, from a chain of timeouts) and how many
// results the tree showed when the run ended. Twice, each in a new app: with accelerated
// compositing (here through Mesa's software GL; the app keeps it on without a GPU only when told),
// then without (what the app chooses on a machine without a GPU, as this one).
//
// Run (scripts/bench does):
//   QUANTUM_APP_BINARY=…/quantum-admin xvfb-run -a -s "-screen 0 1440x900x24" \
//     scripts/with-test-session node scripts/tests-bench.mjs [--diagnose]
// With --diagnose, the run is repeated with parts of the page hidden by CSS (the terminal, the
// tree, the progress bar, the counts), to show what the frames spend their time on.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { byTestId, fromPage, openNewProject, startApp, testSettings, waitFor } from "../tests/e2e/harness.mjs";

const TESTS = 10_000;
const TIMEOUT_MS = 60_000;
const diagnose = process.argv.includes("--diagnose");

const EMIT = `
import sys, time
print("running ${TESTS} tests", flush=True)
for n in range(${TESTS}):
    outcome = "FAILED" if n % 97 == 0 else "ignored" if n % 89 == 0 else "ok"
    sys.stdout.write(f"test group_{n % 50:02d}::test_{n:05d} ... {outcome}\\n")
    if n % 100 == 99:
        sys.stdout.flush()
        time.sleep(0.05)
print("test result: done", flush=True)
`;

const QUANTUM_TOML = `[project]
name = "stream"

[tests.stream]
command = "python3 emit.py"
format = "libtest"
`;

/** Installed in the page: frame stamps and long tasks from now on; clicks Run all after an idle second. */
const PROBE = `
const [hide] = arguments;
const style = document.createElement("style");
style.textContent = hide;
document.head.append(style);
const probe = (window.__testsProbe = { idle: [], ticking: [], run: [], blocks: [], done: false, shown: 0 });
// The control: one line of text changed every frame, the least a page can repaint.
const ticker = document.createElement("div");
ticker.style.cssText = "position: fixed; right: 8px; bottom: 8px; font: 12px monospace; z-index: 9999";
const statusOf = () => document.querySelector('[data-testid="test-run-status"]')?.dataset.status;
let phase = "idle";
let started = 0;
const frame = (t) => {
  probe[phase].push(t);
  if (phase === "idle" && t - probe.idle[0] >= 1000) {
    phase = "ticking";
    document.body.append(ticker);
  } else if (phase === "ticking" && t - probe.ticking[0] < 1000) {
    ticker.textContent = String(t);
  } else if (phase === "ticking") {
    ticker.remove();
    phase = "run";
    started = t;
    document.querySelector('[data-testid="tests-run-all"]').click();
  } else if (phase === "run" && t - started > 500 && statusOf() !== "running") {
    probe.shown = document.querySelectorAll('[data-testid="test-tree-test"]').length;
    probe.counts = document.querySelector('[data-testid="test-counts"]')?.innerText ?? "";
    probe.done = true;
    style.remove();
    return;
  }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
let last = performance.now();
const tick = () => {
  const now = performance.now();
  if (now - last >= 50 && phase === "run") probe.blocks.push(now - last);
  last = now;
  if (!probe.done) setTimeout(tick, 0);
};
setTimeout(tick, 0);
`;

const ms = (value) => `${value.toFixed(1).padStart(7)} ms`;

function frameLine(label, stamps) {
  const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
  const sorted = [...intervals].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const over = intervals.filter((interval) => interval > 16.7).length / intervals.length;
  const seconds = (stamps.at(-1) - stamps[0]) / 1000;
  return `   ${label.padEnd(24)} ${String(intervals.length).padStart(4)} frames in ${seconds.toFixed(1)} s (${(intervals.length / seconds).toFixed(1)} fps)  median ${ms(at(0.5))}  p95 ${ms(at(0.95))}  max ${ms(sorted.at(-1))}  ${(over * 100).toFixed(0).padStart(3)}% > 16.7 ms`;
}

async function main() {
  if (!process.env.QUANTUM_APP_BINARY) {
    console.log("   (QUANTUM_APP_BINARY unset: the app is not measured)");
    return;
  }
  console.log("   accelerated compositing on (QUANTUM_COMPOSITING=on; WebKitGTK's default with a GPU):");
  await inWindow({ QUANTUM_COMPOSITING: "on" });
  console.log("   accelerated compositing off (WEBKIT_DISABLE_COMPOSITING_MODE=1; the app's choice without a GPU):");
  await inWindow({ WEBKIT_DISABLE_COMPOSITING_MODE: "1" });
}

/** One app on a new data dir and a new project folder; prints as it goes. */
async function inWindow(env) {
  const folder = await mkdtemp(join(tmpdir(), "quantum-tests-bench-"));
  await writeFile(join(folder, "emit.py"), EMIT);
  await writeFile(join(folder, "quantum.toml"), QUANTUM_TOML);
  const app = await startApp({ settings: testSettings, env });
  const { driver } = app;
  const click = async (testId) => (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
  try {
    await openNewProject(driver, "stream", folder);
    await click("project-tests-link");
    const [width, height] = await driver.executeScript("return [innerWidth, innerHeight];");
    console.log(`   window ${width}x${height}, ${TESTS} tests streamed as libtest lines over about 5 s`);
    const parts = {
      "": "",
      ...(diagnose
        ? {
            "  with the terminal hidden": ".test-terminal { display: none !important; }",
            "  with the tree hidden": ".test-tree { display: none !important; }",
            "  with both hidden": ".test-terminal, .test-tree { display: none !important; }",
            "  with the progress bar hidden": '[data-testid="test-progress"] { display: none !important; }',
            "  with all three hidden": '.test-terminal, .test-tree, [data-testid="test-progress"] { display: none !important; }',
            "  with the counts hidden too": '.test-terminal, .test-tree, [data-testid="test-progress"], .test-counts { display: none !important; }',
            "  with the run's panel hidden": ".test-live { display: none !important; }",
          }
        : {}),
    };
    for (const [part, css] of Object.entries(parts)) await measure(driver, part, css);
  } finally {
    await app.close();
    await rm(folder, { recursive: true, force: true });
  }
}

/** One run with `css` in the page; prints its frames. */
async function measure(driver, part, css) {
  await waitFor(driver, byTestId("tests-run-all"), TIMEOUT_MS);
  await driver.executeScript(PROBE, css);
  const probe = await driver.wait(
    async () => {
      const seen = await fromPage(driver, "return window.__testsProbe;");
      return seen.done ? seen : null;
    },
    TIMEOUT_MS,
    "the run ends",
    250,
  );
  if (!part) {
    console.log(frameLine("idle (no run)", probe.idle));
    console.log(frameLine("one line changing", probe.ticking));
  }
  console.log(frameLine(part || "while the run streams", probe.run));
  const blocks = [...probe.blocks].sort((a, b) => b - a);
  console.log(
    `   long tasks (>= 50 ms)    ${blocks.length ? `${blocks.length}, longest ${blocks.slice(0, 4).map((b) => b.toFixed(0)).join(", ")} ms` : "none"}`,
  );
  if (!part) console.log(`   at the end: ${probe.counts.replace(/\s+/g, " ").trim()}; ${probe.shown} test rows in the DOM (the tree draws what is in view)`);
}

await main();
