// The schema diagram (ERD) of 500 tables, in the real window. Prints; asserts
// nothing. Targets (the issue's): first layout <= 2 s, pan/zoom frames < 16 ms.
//
// The schema is the Rust inspect bench's (tests/benches/schema.rs, `generated_schema()`): tables
// t000..t499 of 10 columns, each referencing the one before (parent_id), tables 1..=101 also i/2
// (other_id): 600 foreign keys; one secondary index each. Here it is a SQLite file.
//
// Measured (the layout alone, in the core, is printed by tests/benches/schema.rs):
// - In the window, twice: with accelerated compositing on (QUANTUM_COMPOSITING=on: WebKitGTK's
//   default with a GPU, which the app keeps without one only when told), then with
//   WEBKIT_DISABLE_COMPOSITING_MODE=1 (the app's choice without a GPU render node). Each is a new
//   app on a new data dir. Times are taken in the page with performance.now() (a MutationObserver
//   and a requestAnimationFrame loop installed by the script that schedules the click), from the
//   click, so WebDriver's latency is not in them:
//   · "after Draw all": a schema this large opens on a notice (ErdView's LARGE_SCHEMA, because of
//     the memory below); its "Draw all" button draws the whole diagram (layout and rendering);
//   · "reopened": the Diagram tab clicked after the Table tab, then "Draw all" again; median of
//     REOPEN_RUNS.
//   Stages: nodes (500
//   `[data-testid="erd-table"]` in the DOM: the core's layout and React's first render), laid out (every node
//   measured and visible, and the 600 edges drawn, which React Flow does once it has measured the
//   nodes), painted (the next animation frame: the diagram drawn), framed (the view still for 10
//   frames: fitView's 400 ms animation over). "painted" is the figure for the 2 s target. Beside
//   them, the main thread's long tasks (>= 50 ms, from a chain of timeouts), longest first.
// - Pan and zoom, once the diagram is framed: an idle second (WebKit's frame clock alone), then
//   one input on the React Flow pane per animation frame for PANZOOM_MS: half wheel events
//   (ErdView keeps React Flow's zoomOnScroll: a plain wheel zooms; 100 px is ~1.15x, 20 frames in,
//   20 out), half a left-button drag (panOnDrag, d3-zoom: mousedown on the pane, mousemove 25 px a
//   frame, 20 frames each way, mouseup). Frame intervals are the differences of the
//   requestAnimationFrame timestamps.
// - The memory of the app and its processes (WebKit's included), sampled every 100 ms. Past
//   MAX_MB (default 4096) the app is killed and the rest of that window's run is skipped: with
//   compositing on, WebKitGTK 2.50 has been seen to take 23 GB on this diagram until the kernel's
//   OOM killer stepped in.
// With --diagnose, the pan/zoom run is repeated with parts of the diagram hidden by CSS (the
// minimap, the edges, the nodes, the background), to show what the frames spend their time on.
//
// Run (scripts/bench does):
//   QUANTUM_APP_BINARY=…/quantum-admin xvfb-run -a -s "-screen 0 1440x900x24" \
//     scripts/with-test-session node scripts/erd-bench.mjs [--diagnose]
// Without QUANTUM_APP_BINARY nothing is measured.
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { By } from "selenium-webdriver";
import { appPidsOf, byTestId, fromPage, startApp, testSettings, waitFor, waitForToast, waitUntilGone } from "../tests/e2e/harness.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TABLES = 500;
const FOREIGN_KEYS = 600;
const REOPEN_RUNS = Number(process.env.REOPEN_RUNS ?? 3);
const PANZOOM_MS = Number(process.env.PANZOOM_MS ?? 3000);
const MAX_MB = Number(process.env.MAX_MB ?? 4096);
const TIMEOUT_MS = 60_000;
const diagnose = process.argv.includes("--diagnose");

const ms = (value) => (value === undefined || value === null ? "        -   " : `${value.toFixed(1).padStart(8)} ms`);
const median = (values) => {
  const known = values.filter((value) => value !== undefined);
  return known.length ? [...known].sort((a, b) => a - b)[Math.floor(known.length / 2)] : undefined;
};

/** The same schema as a SQLite file, with the Rust bench's DDL (python3's sqlite3 module). */
function writeDatabase(path) {
  execFileSync("python3", [
    "-c",
    `import sqlite3, sys
sql = []
for i in range(${TABLES}):
    columns = ["id bigint PRIMARY KEY"]
    columns.append("parent_id bigint" if i == 0 else "parent_id bigint REFERENCES t%03d (id)" % (i - 1))
    columns.append("other_id bigint REFERENCES t%03d (id) ON DELETE CASCADE" % (i // 2) if 1 <= i <= 101 else "other_id bigint")
    columns += ["c%d text NOT NULL DEFAULT ''" % c for c in range(7)]
    sql.append("CREATE TABLE t%03d (%s);" % (i, ", ".join(columns)))
    sql.append("CREATE INDEX t%03d_c0 ON t%03d (c0, c1);" % (i, i))
db = sqlite3.connect(sys.argv[1])
db.executescript("\\n".join(sql))
db.close()`,
    path,
  ]);
}

/** The app's processes on `dataDir` and their descendants (WebKit's), with their resident memory in MB. */
async function processTree(dataDir) {
  const apps = await appPidsOf(dataDir);
  const all = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    all.push({ pid: Number(entry), ppid: Number(fields[1]), name, mb: (Number(fields[21]) * 4096) / 2 ** 20 });
  }
  const tree = all.filter((proc) => apps.includes(proc.pid));
  for (let i = 0; i < tree.length; i++) tree.push(...all.filter((proc) => proc.ppid === tree[i].pid));
  return tree;
}

/**
 * Samples the memory of the app on `dataDir` every 100 ms; past MAX_MB, kills it (SIGKILL, its
 * processes by id) and rejects `tripped`.
 */
function watchMemory(dataDir) {
  const watch = { peak: 0, peakBy: "", stage: "starting" };
  let trip;
  watch.tripped = new Promise((_, reject) => (trip = reject));
  watch.tripped.catch(() => {});
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    const tree = await processTree(dataDir).catch(() => []);
    busy = false;
    const total = tree.reduce((sum, proc) => sum + proc.mb, 0);
    if (total > watch.peak) {
      watch.peak = total;
      watch.peakBy = tree.map((proc) => `${proc.name} ${proc.mb.toFixed(0)}`).join(", ");
    }
    if (total > MAX_MB && !watch.killed) {
      watch.killed = true;
      for (const proc of tree) {
        try {
          process.kill(proc.pid, "SIGKILL");
        } catch {
          // Gone already.
        }
      }
      trip(new Error(`the app's processes passed ${MAX_MB} MB while ${watch.stage}`));
    }
  }, 100);
  watch.stop = () => clearInterval(timer);
  /** Runs `work` unless the memory trips first. */
  watch.guard = (stage, work) => {
    watch.stage = stage;
    const running = work();
    running.catch(() => {});
    return Promise.race([running, watch.tripped]);
  };
  return watch;
}

/**
 * Installed in the page by the script that schedules the click: records, with performance.now(),
 * when the diagram reaches each stage, in `window.__erdProbe.marks`.
 */
const PROBE = `
const [clickTestId, tables, foreignKeys] = arguments;
const marks = {};
window.__erdProbe = { marks };
// Long tasks: a chain of timeouts stamps the main thread; a gap of 50 ms or more was one task
// (React's render of the core's layout, React Flow measuring the nodes, style and layout).
marks.blocks = [];
let beat = performance.now();
const heartbeat = () => {
  const now = performance.now();
  if (now - beat >= 50) marks.blocks.push([beat, now]);
  beat = now;
  if (marks.framed === undefined) setTimeout(heartbeat);
};
setTimeout(heartbeat);
const count = (selector) => document.querySelectorAll(selector).length;
// Past LARGE_SCHEMA the diagram draws only the tables in view: "laid out" is then every table
// drawn being measured, with edges among them drawn.
const laidOut = () => {
  const nodes = document.querySelectorAll(".react-flow__node");
  if (nodes.length === 0 || count(".react-flow__edge") === 0) return false;
  for (const node of nodes) if (node.style.visibility === "hidden") return false;
  return true;
};
const check = (now) => {
  if (marks.nodes === undefined && count('[data-testid="erd-table"]') > 0) marks.nodes = now;
  if (marks.laidOut === undefined && marks.nodes !== undefined && laidOut()) marks.laidOut = now;
};
const observer = new MutationObserver(() => check(performance.now()));
observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["style"] });
let lastTransform = null;
let still = 0;
const frame = () => {
  const now = performance.now();
  check(now);
  if (marks.laidOut !== undefined && marks.painted === undefined && now > marks.laidOut) marks.painted = now;
  if (marks.painted !== undefined) {
    const transform = document.querySelector(".react-flow__viewport")?.style.transform ?? "";
    if (transform === lastTransform) still++;
    else {
      lastTransform = transform;
      still = 0;
      marks.lastMove = now;
    }
    if (still >= 10) {
      marks.framed = marks.lastMove;
      marks.drawn = [count('[data-testid="erd-table"]'), count(".react-flow__edge")];
      observer.disconnect();
      return;
    }
  }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
// The click runs once this script has returned, so that WebDriver is not waiting on it.
setTimeout(() => {
  marks.start = performance.now();
  document.querySelector('[data-testid="' + clickTestId + '"]').click();
});
`;

/** Clicks `testId` with the probe installed; the stages' times from the click, as far as they got. */
async function timeDiagram(driver, testId, seen) {
  await driver.executeScript(PROBE, testId, TABLES, FOREIGN_KEYS);
  // Polled: the times are the page's own, taken as things happened.
  await driver.wait(
    async () => {
      seen.marks = await fromPage(driver, "return window.__erdProbe.marks;");
      return seen.marks.framed !== undefined;
    },
    TIMEOUT_MS,
    `the diagram of ${TABLES} tables is drawn and framed`,
    100,
  );
}

function stagesFrom(marks = {}) {
  const since = (mark) => (marks[mark] === undefined || marks.start === undefined ? undefined : marks[mark] - marks.start);
  const blocks = (marks.blocks ?? [])
    .filter(([, end]) => marks.start !== undefined && end > marks.start)
    .map(([begin, end]) => ({ length: end - begin, end: end - marks.start }))
    .sort((a, b) => b.length - a.length);
  return { nodes: since("nodes"), laidOut: since("laidOut"), painted: since("painted"), framed: since("framed"), drawn: marks.drawn, blocks };
}

/**
 * Frame intervals while panning and zooming: one input on the pane each animation frame, after an
 * idle second for the baseline. `hide` is CSS (diagnosis) put in the page for the run. The result
 * lands in `window.__erdFrames`.
 */
const PAN_ZOOM = `
const [durationMs, hide] = arguments;
window.__erdFrames = null;
const style = document.createElement("style");
style.textContent = hide;
document.head.append(style);
const pane = document.querySelector(".react-flow__pane");
const viewport = document.querySelector(".react-flow__viewport");
const box = pane.getBoundingClientRect();
const cx = box.left + box.width / 2;
const cy = box.top + box.height / 2;
const scale = () => new DOMMatrix(getComputedStyle(viewport).transform).a;
const mouse = (type, x, buttons) =>
  new MouseEvent(type, { bubbles: true, cancelable: true, view: window, clientX: x, clientY: cy, button: 0, buttons });
const record = (ms, each) =>
  new Promise((resolve) => {
    const stamps = [];
    let i = 0;
    const frame = (t) => {
      stamps.push(t);
      if (t - stamps[0] >= ms) return resolve(stamps);
      each?.(i++);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
const intervals = (stamps) => stamps.slice(1).map((t, i) => t - stamps[i]);
(async () => {
  await new Promise((r) => setTimeout(r, 300));
  const idle = intervals(await record(1000));
  const scales = [scale()];
  const zoom = intervals(
    await record(durationMs / 2, (i) => {
      const deltaY = Math.floor(i / 20) % 2 === 0 ? -100 : 100;
      pane.dispatchEvent(new WheelEvent("wheel", { bubbles: true, cancelable: true, view: window, clientX: cx, clientY: cy, deltaY, deltaMode: 0 }));
      scales.push(scale());
    }),
  );
  const before = viewport.style.transform;
  let x = cx;
  pane.dispatchEvent(mouse("mousedown", x, 1));
  const pan = intervals(
    await record(durationMs / 2, (i) => {
      x += Math.floor(i / 20) % 2 === 0 ? 25 : -25;
      pane.dispatchEvent(mouse("mousemove", x, 1));
    }),
  );
  pane.dispatchEvent(mouse("mouseup", x, 0));
  const panned = viewport.style.transform !== before;
  style.remove();
  window.__erdFrames = { idle, zoom, pan, scales: [Math.min(...scales), Math.max(...scales)], panned };
})();
`;

async function panZoom(driver, hide = "") {
  await driver.executeScript(PAN_ZOOM, PANZOOM_MS, hide);
  return driver.wait(() => fromPage(driver, "return window.__erdFrames;"), TIMEOUT_MS, "the pan and zoom run ends", 250);
}

function frameLine(label, intervals) {
  const sorted = [...intervals].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const over = intervals.filter((interval) => interval > 16.7).length / intervals.length;
  return `   ${label.padEnd(31)} ${String(intervals.length).padStart(4)} frames  median ${ms(at(0.5))}  p95 ${ms(at(0.95))}  max ${ms(sorted.at(-1))}  ${(over * 100).toFixed(0).padStart(3)}% > 16.7 ms`;
}

const stageLine = (label, t) =>
  `   ${label.padEnd(31)} nodes ${ms(t.nodes)}  laid out ${ms(t.laidOut)}  painted ${ms(t.painted)}  framed ${ms(t.framed)}${t.drawn ? `  (${t.drawn[0]} tables, ${t.drawn[1]} edges in view)` : ""}`;
const blocksLine = (t, label = "long tasks, longest first") =>
  `     ${label.padEnd(30)} ${t.blocks.length ? t.blocks.slice(0, 4).map((b) => `${b.length.toFixed(0)} ms ending at ${b.end.toFixed(0)}`).join(", ") : "-"}`;

/** One app, one data dir: the diagram after Draw all, pan and zoom, reopened; prints as it goes. */
async function inWindow(label, env) {
  const dir = await mkdtemp(join(tmpdir(), "quantum-erd-bench-"));
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  // tauri-driver (and so the app) takes the environment of this process.
  Object.assign(process.env, env);
  let app;
  let watch;
  const seen = {};
  const lines = [];
  const print = (line) => lines.push(line);
  try {
    const database = join(dir, "erd500.db");
    writeDatabase(database);
    // Warnings only: the app's info lines would come between these.
    app = await startApp({ settings: { ...testSettings, logLevel: "warn" } });
    const { driver } = app;
    watch = watchMemory(app.dataDir);
    const click = async (testId) => (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
    const type = async (testId, text) => {
      const input = await waitFor(driver, byTestId(testId), TIMEOUT_MS);
      await input.clear();
      await input.sendKeys(text);
    };

    await click("nav-projects");
    await click("new-project-button");
    await type("project-name-input", "erd500");
    await type("project-folder-input", dir);
    await click("project-form-submit");
    await waitForToast(driver, "Project “erd500” created");
    await click("project-name-link");
    await click("project-schema-link");
    await click("schema-add-connection-empty");
    await waitFor(driver, byTestId("add-connection-dialog"), TIMEOUT_MS);
    await (await waitFor(driver, By.css('[data-testid="connection-kind"] option[value="sqlite"]'), TIMEOUT_MS)).click();
    await type("connection-name", "erd500");
    await type("connection-path", database);
    await click("connection-test");
    await waitFor(driver, byTestId("connection-tested"), TIMEOUT_MS);
    const [width, height] = await driver.executeScript("return [innerWidth, innerHeight];");
    console.log(`-- ${label}; window ${width}x${height} CSS px; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);

    // A schema this large opens on a notice (ErdView's LARGE_SCHEMA); "Draw all" draws it.
    await click("connection-save");
    await waitFor(driver, byTestId("erd-held"), TIMEOUT_MS);
    await watch.guard("drawing the diagram after Draw all", () => timeDiagram(driver, "erd-draw-all", seen));
    print(stageLine("first layout after Draw all", stagesFrom(seen.marks)));
    print(blocksLine(stagesFrom(seen.marks)));

    const frames = await watch.guard("panning and zooming", () => panZoom(driver));
    print(`   pan and zoom: zoom ${frames.scales.map((k) => k.toFixed(2)).join("-")}x, panned: ${frames.panned ? "yes" : "NO"}`);
    print(frameLine("idle (no input)", frames.idle));
    print(frameLine("zoom (wheel)", frames.zoom));
    print(frameLine("pan (drag)", frames.pan));
    print(frameLine("pan and zoom", [...frames.zoom, ...frames.pan]));
    if (diagnose) {
      const parts = {
        "  with the minimap hidden": ".react-flow__minimap { display: none !important; }",
        "  with the edges hidden": ".react-flow__edges, .react-flow__edgelabel-renderer { display: none !important; }",
        "  with the nodes hidden": ".react-flow__nodes { display: none !important; }",
        "  with the background hidden": ".react-flow__background { display: none !important; }",
        "  with all but the pane hidden":
          ".react-flow__minimap, .react-flow__edges, .react-flow__nodes, .react-flow__background { display: none !important; }",
      };
      for (const [part, css] of Object.entries(parts)) {
        const run = await watch.guard(`panning and zooming ${part.trim()}`, () => panZoom(driver, css));
        print(frameLine(part, [...run.zoom, ...run.pan]));
      }
    }

    const reopened = [];
    for (let run = 0; run < REOPEN_RUNS; run++) {
      await watch.guard("reopening the diagram", async () => {
        await click("schema-view-table");
        await waitUntilGone(driver, byTestId("erd"), "the Table view replaces the diagram", TIMEOUT_MS);
        seen.marks = undefined;
        await click("schema-view-diagram");
        await waitFor(driver, byTestId("erd-held"), TIMEOUT_MS);
        await timeDiagram(driver, "erd-draw-all", seen);
      });
      reopened.push(stagesFrom(seen.marks));
    }
    const pick = (key) => median(reopened.map((t) => t[key]));
    print(stageLine(`reopened (median of ${REOPEN_RUNS})`, { nodes: pick("nodes"), laidOut: pick("laidOut"), painted: pick("painted"), framed: pick("framed") }));
    print(blocksLine(reopened.at(-1), "long tasks of the last reopen"));
  } catch (error) {
    if (!watch?.killed) throw error;
    // The memory guard stopped the app: what was measured so far, and where it stopped.
    if (seen.marks && watch.stage.includes("after Draw all")) {
      print(stageLine("first layout after Draw all", stagesFrom(seen.marks)));
      print(blocksLine(stagesFrom(seen.marks)));
    }
    print(`   STOPPED: ${error.message}; the app was killed`);
  } finally {
    watch?.stop();
    for (const line of lines) console.log(line);
    if (watch) console.log(`   peak memory of the app's processes ${watch.peak.toFixed(0).padStart(6)} MB (${watch.peakBy})`);
    await app?.close();
    await rm(dir, { recursive: true, force: true });
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

console.log(`== ERD of ${TABLES} tables, ${FOREIGN_KEYS} foreign keys (target: layout <= 2 s, frames < 16 ms)`);
if (!process.env.QUANTUM_APP_BINARY) {
  console.log("   (QUANTUM_APP_BINARY unset: the window was not measured)");
} else {
  // ERD_WINDOWS=on or =off measures one renderer only (while iterating on the diagram).
  const windows = process.env.ERD_WINDOWS ?? "on,off";
  if (windows.includes("on")) await inWindow("in the window, accelerated compositing on (QUANTUM_COMPOSITING=on)", { QUANTUM_COMPOSITING: "on" });
  if (windows.includes("off")) await inWindow("in the window, WEBKIT_DISABLE_COMPOSITING_MODE=1", { WEBKIT_DISABLE_COMPOSITING_MODE: "1" });
}
