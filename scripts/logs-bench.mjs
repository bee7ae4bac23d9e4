// The Logs page with 1,000,000 lines, in the real window. Prints; asserts nothing. Target (the
// issue's): 1,000,000 lines stay smooth.
//
// The app's own log is the source: before the app starts, its log folder gets a file of LINES
// lines about project 1 (the project the bench then makes), spread over the last 50 minutes, one
// in 10 a warning and one in 100 an error. The page opens on "Last hour", so every line is read,
// merged, sent in batches and kept. Times are taken in the page (performance.now(), a
// requestAnimationFrame loop), from the click, so WebDriver's latency is not in them:
// - loaded: the footer counts every line and the page says Live;
// - scroll: one jump of the log's scroller per animation frame for SCROLL_MS, through the whole
//   log; the frame intervals (median, 95th percentile, longest);
// - filter: "Errors" chosen, until the footer counts the 10,000 errors; back to every line;
// - search: a text typed into the search, until the match count shows.
// Beside them, the memory of the app and its WebKit processes, and, as the floor for reading the
// same file, `grep -c` over it.
//
// Run (scripts/bench does):
//   QUANTUM_APP_BINARY=…/quantum-admin xvfb-run -a -s "-screen 0 1440x900x24" \
//     scripts/with-test-session node scripts/logs-bench.mjs
import { execFileSync } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { By } from "selenium-webdriver";
import { appPidsOf, byTestId, newDataDir, openNewProject, startApp, testSettings, waitFor } from "../tests/e2e/harness.mjs";

const LINES = Number(process.env.LINES ?? 1_000_000);
const SCROLL_MS = Number(process.env.SCROLL_MS ?? 3000);
const TIMEOUT_MS = 180_000;

const ms = (value) => `${value.toFixed(1).padStart(8)} ms`;
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

/** The app's log file for today, as tracing writes it, with LINES lines about project 1. */
async function writeAppLog(dataDir) {
  const folder = join(dataDir, "logs");
  await mkdir(folder, { recursive: true });
  const now = Date.now();
  const day = new Date(now).toISOString().slice(0, 10);
  const start = now - 50 * 60_000;
  const step = (50 * 60_000) / LINES;
  const chunks = [];
  let chunk = "";
  for (let i = 0; i < LINES; i++) {
    const at = new Date(start + i * step).toISOString().replace("Z", "000Z");
    const level = i % 100 === 0 ? "ERROR" : i % 10 === 0 ? " WARN" : " INFO";
    chunk += `${at} ${level} quantum_bench::requests: request served project_id=1 path=/api/items/${i} status=${i % 100 === 0 ? 500 : 200} ms=${i % 97}\n`;
    if (chunk.length > 1 << 20) {
      chunks.push(chunk);
      chunk = "";
    }
  }
  chunks.push(chunk);
  const path = join(folder, `quantum-admin.${day}.log`);
  await writeFile(path, chunks.join(""));
  return path;
}

async function memoryMb(pid) {
  let total = 0;
  const walk = async (p) => {
    const status = await readFile(`/proc/${p}/status`, "utf8").catch(() => "");
    total += Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0) / 1024;
    const children = await readFile(`/proc/${p}/task/${p}/children`, "utf8").catch(() => "");
    for (const child of children.split(" ").filter(Boolean)) await walk(Number(child));
  };
  await walk(pid);
  return total;
}

const dataDir = await newDataDir();
const file = await writeAppLog(dataDir);
const grepStarted = performance.now();
const grepCount = execFileSync("grep", ["-c", "project_id=1 ", file], { encoding: "utf8" }).trim();
const grepMs = performance.now() - grepStarted;

// Compositing off, the app's own choice on a machine without a GPU render node (this one): with
// it on, WebKitGTK composites in software GL here and every frame costs several times more.
console.log(`${LINES.toLocaleString("en")} lines of the app's log about the project, "Last hour"`);
const app = await startApp({ settings: testSettings, dataDir, env: { WEBKIT_DISABLE_COMPOSITING_MODE: "1" } });
const { driver } = app;
// A filter over a million lines may take longer than WebDriver's default 30 s for a script.
await driver.manage().setTimeouts({ script: TIMEOUT_MS });
try {
  await openNewProject(driver, "bench");
  const [pid] = await appPidsOf(dataDir);
  const before = await memoryMb(pid);
  // The clock starts in the page, at the click.
  await driver.executeScript(`
    window.__bench = { clicked: performance.now() };
    const count = () => document.querySelector('[data-testid="log-count"]')?.textContent ?? "";
    const tick = () => {
      const live = document.querySelector('[data-testid="logs-live"]')?.dataset.live === "true";
      // The app's own lines about the new project come on top of the file's.
      if (live && Number(count().split(" ")[0].replace(/[^0-9]/g, "")) >= ${LINES}) window.__bench.loaded = performance.now();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    document.querySelector('[data-testid="project-logs-link"]').click();`);
  await driver.wait(async () => (await driver.executeScript("return window.__bench.loaded ?? null;")) !== null, TIMEOUT_MS, "every line is on the page");
  const loaded = await driver.executeScript("return window.__bench.loaded - window.__bench.clicked;");
  const after = await memoryMb(pid);
  console.log(`loaded (every line counted, Live)        ${ms(loaded)}`);

  const frames = await driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const scroller = document.querySelector('[data-testid="logs-viewer"] .log-scroller');
    const intervals = [];
    let last = null;
    const end = performance.now() + ${SCROLL_MS};
    const frame = (at) => {
      if (last !== null) intervals.push(at - last);
      last = at;
      scroller.scrollTop = Math.random() * (scroller.scrollHeight - scroller.clientHeight);
      if (at < end) requestAnimationFrame(frame);
      else done(intervals);
    };
    requestAnimationFrame(frame);`);
  console.log(`scroll, frame interval median / p95 / max ${ms(percentile(frames, 0.5))} ${ms(percentile(frames, 0.95))} ${ms(Math.max(...frames))}  (${frames.length} frames)`);

  const timed = async (action, until) =>
    driver.executeAsyncScript(
      `const done = arguments[arguments.length - 1];
       const started = performance.now();
       (${action})();
       const tick = () => ((${until})() ? done(performance.now() - started) : requestAnimationFrame(tick));
       requestAnimationFrame(tick);`,
    );
  const errors = LINES / 100;
  const filter = await timed(
    `() => { const select = document.querySelector('[data-testid="logs-level"]'); select.value = "error"; select.dispatchEvent(new Event("change", { bubbles: true })); }`,
    // "N of M lines": the filter applied (the page keeps the newest 1,000,000, so the very first
    // error may be past the cap).
    `() => / of /.test(document.querySelector('[data-testid="log-count"]').textContent)`,
  );
  const counted = await driver.executeScript('return document.querySelector(\'[data-testid="log-count"]\').textContent;');
  console.log(`"Errors" chosen, until counted           ${ms(filter)} (${counted}; ~${errors.toLocaleString("en")} written)`);
  await (await waitFor(driver, By.css('[data-testid="logs-level"] option[value="all"]'))).click();
  await (await waitFor(driver, byTestId("log-search-input"))).sendKeys("items/99999 ");
  const searchStarted = Date.now();
  await driver.wait(async () => /match/.test(await driver.executeScript('return document.querySelector(\'[data-testid="log-match-count"]\')?.textContent ?? "";')), TIMEOUT_MS);
  const search = Date.now() - searchStarted;
  console.log(`search typed, until its match count      ${ms(search)} (after WebDriver typed it)`);

  console.log(`memory of the app and its web processes  ${before.toFixed(0)} MB before, ${after.toFixed(0)} MB with the lines`);
  console.log(`grep -c over the same file (the floor)   ${ms(grepMs)} (${grepCount} lines)`);
} finally {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
}
