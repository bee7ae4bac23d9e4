// Starts the app on an empty data dir, waits until it has painted and settled, then sums the
// resident and proportional memory of the app and every process it started (WebKit's included).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [app] = process.argv.slice(2);
const settleMs = Number(process.env.SETTLE_MS ?? 5000);
const dataDir = await mkdtemp(join(tmpdir(), "quantum-mem-"));
const child = spawn(app, [], { env: { ...process.env, QUANTUM_DATA_DIR: dataDir }, stdio: "ignore" });

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
  return { rss: kb("Rss"), pss: kb("Pss") };
}

// The app is ready when WebKit's web process exists; then let it settle.
const deadline = Date.now() + 30_000;
let procs = [];
while (!procs.some((p) => p.name.startsWith("WebKitWebProces"))) {
  if (Date.now() > deadline) throw new Error("the app did not start a web process within 30 s");
  await new Promise((resolve) => setTimeout(resolve, 100));
  procs = await descendants(child.pid);
}
await new Promise((resolve) => setTimeout(resolve, settleMs));
procs = [{ pid: child.pid, name: "quantum-admin" }, ...(await descendants(child.pid))];
let rss = 0;
let pss = 0;
for (const proc of procs) {
  const m = await memory(proc.pid);
  rss += m.rss;
  pss += m.pss;
  console.log(`${proc.name.padEnd(22)} ${(m.rss / 1024).toFixed(0).padStart(5)} MB RSS ${(m.pss / 1024).toFixed(0).padStart(5)} MB PSS`);
}
console.log(`${"total".padEnd(22)} ${(rss / 1024).toFixed(0).padStart(5)} MB RSS ${(pss / 1024).toFixed(0).padStart(5)} MB PSS (after ${settleMs / 1000} s idle)`);
child.kill();
await rm(dataDir, { recursive: true, force: true });
