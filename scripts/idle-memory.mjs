// Idle memory of the app beside a bare Tauri window (tests/bare-window: the same Tauri build, a
// static page, nothing else) and, when given, the bare window showing the app's own UI without
// the core (`quantum-bare-ui`: what WebKit spends running the UI's JavaScript), in the same run: each starts on an empty data dir, settles, and the
// resident and proportional memory of it and every process it started (WebKit's included) is
// summed. Each is measured `RUNS` times; the median run is shown. Both render alike: without a GPU
// render node the app turns WebKitGTK's compositing off (src-tauri/src/rendering.rs), so the bare
// window gets it off too.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [app, bare, bareUi] = process.argv.slice(2);
const settleMs = Number(process.env.SETTLE_MS ?? 5000);
const runs = Number(process.env.RUNS ?? 3);
const renderNode = (() => {
  try {
    return readdirSync("/dev/dri").some((name) => name.startsWith("renderD"));
  } catch {
    return false;
  }
})();
const rendering = renderNode ? {} : { WEBKIT_DISABLE_COMPOSITING_MODE: "1" };

async function descendants(pid) {
  const all = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    all.push({ pid: Number(entry), ppid, name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) });
  }
  const tree = [];
  const walk = (p) => {
    for (const proc of all.filter((q) => q.ppid === p)) {
      tree.push(proc);
      walk(proc.pid);
    }
  };
  walk(pid);
  return tree;
}

async function memory(pid) {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8").catch(() => "");
  const kb = (key) => Number(rollup.match(new RegExp(`^${key}:\\s+(\\d+)`, "m"))?.[1] ?? 0);
  return { rss: kb("Rss"), pss: kb("Pss"), anon: kb("Pss_Anon") };
}

/** One run: start, wait for WebKit's web process, settle, measure every process, stop. */
async function measure(binary) {
  const dataDir = await mkdtemp(join(tmpdir(), "quantum-mem-"));
  const child = spawn(binary, [], { env: { ...rendering, ...process.env, QUANTUM_DATA_DIR: dataDir }, stdio: "ignore" });
  try {
    const deadline = Date.now() + 30_000;
    while (!(await descendants(child.pid)).some((p) => p.name.startsWith("WebKitWebProces"))) {
      if (Date.now() > deadline) throw new Error(`${binary} did not start a web process within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const procs = [{ pid: child.pid, name: "app" }, ...(await descendants(child.pid))];
    const rows = [];
    for (const proc of procs) rows.push({ name: proc.name, ...(await memory(proc.pid)) });
    return { rows, pss: rows.reduce((sum, r) => sum + r.pss, 0), rss: rows.reduce((sum, r) => sum + r.rss, 0) };
  } finally {
    child.kill();
    await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve()));
    await rm(dataDir, { recursive: true, force: true });
  }
}

const mb = (kb) => (kb / 1024).toFixed(0).padStart(5);
async function median(label, binary) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await measure(binary));
  all.sort((a, b) => a.pss - b.pss);
  const chosen = all[Math.floor(all.length / 2)];
  console.log(`-- ${label} (median of ${runs} runs, after ${settleMs / 1000} s idle)`);
  for (const r of chosen.rows) {
    console.log(`   ${r.name.padEnd(20)} ${mb(r.rss)} MB RSS ${mb(r.pss)} MB PSS ${mb(r.anon)} MB anonymous`);
  }
  console.log(`   ${"total".padEnd(20)} ${mb(chosen.rss)} MB RSS ${mb(chosen.pss)} MB PSS`);
  return chosen;
}

const measuredApp = await median("Quantum Admin", app);
const ratio = (a, b) => `${(a.pss / b.pss).toFixed(2)}x PSS, ${(a.rss / b.rss).toFixed(2)}x RSS`;
if (bare) {
  const measuredBare = await median("bare Tauri window", bare);
  console.log(`app / bare window: ${ratio(measuredApp, measuredBare)} (target <= 1.15x PSS)`);
  if (bareUi) {
    const measuredUi = await median("bare window showing the app's UI, no core", bareUi);
    console.log(`the UI alone / bare window: ${ratio(measuredUi, measuredBare)}`);
    console.log(`app / the UI alone (what the core adds): ${ratio(measuredApp, measuredUi)}`);
  }
}
