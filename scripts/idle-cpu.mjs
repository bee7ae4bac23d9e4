// The app's own CPU while idle in the tray with 20 health checks running and metric sampling on
// for 10 containers (target: ≤ 1 % of one core averaged over the window), and its memory at the
// start and the end of the window. Ten projects are made with `quantum new blank --set
// database=redis` (a Redis each, on the local test image); each project's quantum.toml gets two
// checks of its own Redis: through its readiness probe and as a TCP port, every 30 s (20 in all). The app starts
// hidden (`--hidden`), settles, and its CPU time (utime + stime of it and every process it
// started, from /proc) is read at the window's start and end; beside it, the same read of the
// Docker daemon's own CPU over the same window shows what the engine spends on the sampling.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { appendFile, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [app, quantum] = process.argv.slice(2);
const windowMs = Number(process.env.WINDOW_MS ?? 300_000);
const settleMs = Number(process.env.SETTLE_MS ?? 20_000);
const PROJECTS = 10;
const ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

async function descendants(pid) {
  const all = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    all.push({ pid: Number(entry), ppid });
  }
  const tree = [];
  const walk = (p) => {
    for (const proc of all.filter((q) => q.ppid === p)) {
      tree.push(proc.pid);
      walk(proc.pid);
    }
  };
  walk(pid);
  return tree;
}

/** CPU seconds (user + system) a process has used, and its resident memory in MB. */
function usage(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKb = Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
    return { cpu: (Number(fields[11]) + Number(fields[12])) / ticks, rssMb: rssKb / 1024 };
  } catch {
    return { cpu: 0, rssMb: 0 };
  }
}

function name(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
  } catch {
    return "?";
  }
}

/** The app and every process it started, summed, and each by name. */
async function tree(pid) {
  const pids = [pid, ...(await descendants(pid))];
  const each = Object.fromEntries(pids.map((p) => [`${name(p)} ${p}`, usage(p)]));
  const total = Object.values(each).reduce((sum, u) => ({ cpu: sum.cpu + u.cpu, rssMb: sum.rssMb + u.rssMb }), { cpu: 0, rssMb: 0 });
  return { ...total, each };
}

const dataDir = await mkdtemp(join(tmpdir(), "quantum-idle-"));
const env = { ...process.env, QUANTUM_DATA_DIR: dataDir };
const settings = {
  settings: {
    engineImages: { redis: process.env.QUANTUM_TEST_IMAGE_REDIS ?? "testdb/redis:7" },
    desktopNotifications: false,
    autoCheckUpdates: false,
  },
};
await import("node:fs/promises").then((fs) => fs.writeFile(join(dataDir, "settings.json"), JSON.stringify(settings)));

const folders = [];
let child;
try {
  for (let n = 0; n < PROJECTS; n++) {
    const folder = join(dataDir, `idle-${n}`);
    execFileSync(quantum, ["new", "blank", folder, "--name", `idle-${n}-${process.pid}`, "--set", "database=redis"], { env, stdio: "ignore" });
    folders.push(folder);
  }
  const status = JSON.parse(execFileSync(quantum, ["--json", "status", "--all"], { env, encoding: "utf8" }));
  const databases = status.projects.flatMap((project) => project.datasources);
  // Each project checks its own Redis: through its readiness probe and as a TCP port.
  let checks = 0;
  for (const project of status.projects) {
    for (const d of project.datasources) {
      await appendFile(
        join(project.folder, "quantum.toml"),
        `\n[[health]]\nname = "probe"\ntarget = "datasource:${d.name}"\ninterval = 30\n` +
          `\n[[health]]\nname = "port"\ntarget = "tcp://127.0.0.1:${d.hostPort}"\ninterval = 30\n`,
      );
      checks += 2;
    }
  }

  child = spawn(app, ["--hidden"], { env, stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const dockerd = Number(execFileSync("pidof", ["dockerd"], { encoding: "utf8" }).trim().split(" ")[0]);
  const start = { app: await tree(child.pid), docker: usage(dockerd), at: Date.now() };
  // Memory along the way (every 10 minutes of a long window), to tell growth from a bump.
  const stepMs = Math.min(windowMs, 600_000);
  for (let waited = 0; waited < windowMs; ) {
    const step = Math.min(stepMs, windowMs - waited);
    await new Promise((resolve) => setTimeout(resolve, step));
    waited += step;
    if (waited < windowMs) {
      // Each process apart: the app's own, the hidden window's web process, WebKit's network one.
      const now = await tree(child.pid);
      const each = Object.entries(now.each).map(([process, used]) => `${process.split(" ")[0]} ${used.rssMb.toFixed(1)}`);
      console.log(`app memory after ${(waited / 60_000).toFixed(0)} min: ${now.rssMb.toFixed(0)} MB RSS (${each.join(", ")})`);
    }
  }
  const end = { app: await tree(child.pid), docker: usage(dockerd), at: Date.now() };
  const seconds = (end.at - start.at) / 1000;
  const percent = (a, b) => (((b - a) / seconds) * 100).toFixed(2);
  console.log(`${databases.length} containers sampled every 10 s, ${checks} health checks every 30 s, ${(seconds / 60).toFixed(1)} min idle in the tray (target: the app ≤ 1 % of one core)`);
  console.log(`quantum admin (and its web process)  ${percent(start.app.cpu, end.app.cpu).padStart(6)} % of one core`);
  for (const [process, used] of Object.entries(end.app.each)) {
    console.log(`   ${process.padEnd(34)} ${percent(start.app.each[process]?.cpu ?? 0, used.cpu).padStart(6)} %`);
  }
  console.log(`dockerd over the same window          ${percent(start.docker.cpu, end.docker.cpu).padStart(6)} % of one core`);
  console.log(`app memory: ${start.app.rssMb.toFixed(0)} MB RSS at the start, ${end.app.rssMb.toFixed(0)} MB at the end of the window`);
} finally {
  child?.kill();
  if (child && child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
  for (const folder of folders) {
    try {
      execFileSync(quantum, ["down"], { env, cwd: folder, stdio: "ignore" });
    } catch {
      // Already down.
    }
  }
  // The databases and their volumes go with the bench's data dir.
  const ids = execFileSync("docker", ["ps", "-aq", "--filter", `name=idle-`], { encoding: "utf8" }).split("\n").filter(Boolean);
  const ours = ids.filter((id) => execFileSync("docker", ["inspect", "-f", "{{.Name}}", id], { encoding: "utf8" }).includes(`-${process.pid}-`));
  for (const id of ours) {
    const volumes = execFileSync("docker", ["inspect", "-f", "{{range .Mounts}}{{.Name}} {{end}}", id], { encoding: "utf8" }).trim().split(" ").filter(Boolean);
    execFileSync("docker", ["rm", "-f", id], { stdio: "ignore" });
    if (volumes.length > 0) execFileSync("docker", ["volume", "rm", ...volumes], { stdio: "ignore" });
  }
  await rm(dataDir, { recursive: true, force: true });
}
