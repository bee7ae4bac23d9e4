// Desktop conventions through the real app: one instance per data dir, and the window where the
// user left it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir, readFile, realpath, rm } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { appPidsOf, byTestId, newDataDir, startApp, waitFor } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const application = process.env.QUANTUM_APP_BINARY;

/** Launches the app binary itself, as a user or the desktop would, on `dataDir`. */
function launch(dataDir) {
  const child = spawn(application, [], {
    env: { ...process.env, QUANTUM_DATA_DIR: dataDir },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exit = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, exit };
}

/** The launch's exit, or an error (and the launch ended) if it still runs at the deadline. */
async function exitWithin({ child, exit }, timeoutMs, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${what}: still running after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([exit, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `condition()` holds, checking every 50 ms, or rejects at the deadline. */
async function until(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const visibility = (driver) => driver.executeScript("return document.visibilityState");

test("a second launch on the same data dir shows the running app's window and exits", async () => {
  // Started as the login entry starts it: hidden in the tray.
  const app = await startApp({ args: ["--hidden"] });
  try {
    const { driver, dataDir } = app;
    await driver.wait(async () => (await visibility(driver)) === "hidden", TIMEOUT_MS, "the window starts hidden");
    const [first, ...others] = await appPidsOf(dataDir);
    assert.ok(first, "the app runs");
    assert.deepEqual(others, []);

    const second = await exitWithin(launch(dataDir), TIMEOUT_MS, "the second launch");
    assert.deepEqual(second, { code: 0, signal: null }, "the second launch hands over and exits cleanly");

    await driver.wait(async () => (await visibility(driver)) === "visible", TIMEOUT_MS, "the first app shows its window");
    assert.deepEqual(await appPidsOf(dataDir), [first], "the first app keeps running, alone");
    await waitFor(driver, byTestId("dashboard-page"), TIMEOUT_MS);
  } finally {
    await app.close();
  }
});

test("an app on another data dir starts alongside a running one", async () => {
  const app = await startApp();
  const otherDir = await newDataDir();
  const other = launch(otherDir);
  try {
    // The store is opened after the single-instance check: its file says the app got past it.
    await until(
      async () => (await readFile(join(otherDir, "quantum-admin.sqlite3")).catch(() => null)) !== null,
      TIMEOUT_MS,
      "the app on the other data dir opens its store",
    );
    assert.equal(other.child.exitCode, null, "the app on the other data dir still runs");
    assert.equal((await appPidsOf(app.dataDir)).length, 1, "the first app still runs");
  } finally {
    other.child.kill("SIGTERM");
    await exitWithin(other, TIMEOUT_MS, "the app on the other data dir, asked to end");
    await rm(otherDir, { recursive: true, force: true });
    await app.close();
  }
});

test("the window comes back at the size it was left, per data dir", async () => {
  const dataDir = await newDataDir();
  try {
    const first = await startApp({ dataDir });
    try {
      const window = first.driver.manage().window();
      const initial = await window.getRect();
      const wanted = { width: 1000, height: 640 };
      assert.notDeepEqual([initial.width, initial.height], [wanted.width, wanted.height], "a new size");
      await window.setRect(wanted);
      await first.driver.wait(
        async () => {
          const { width, height } = await window.getRect();
          return width === wanted.width && height === wanted.height;
        },
        TIMEOUT_MS,
        "the window takes the new size",
      );
      // Saved once the size rests, in the data dir: a crash or a logout loses nothing.
      await until(
        async () => {
          const saved = await readFile(join(dataDir, "window-state.json"), "utf8").catch(() => "{}");
          const main = JSON.parse(saved).main;
          return main?.width === wanted.width && main?.height === wanted.height;
        },
        TIMEOUT_MS,
        "the new size is saved in the data dir",
      );
    } finally {
      await first.close();
    }

    const second = await startApp({ dataDir });
    try {
      const { width, height } = await second.driver.manage().window().getRect();
      assert.deepEqual({ width, height }, { width: 1000, height: 640 });
    } finally {
      await second.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** Whether this machine has a GPU render node (hardware GL) as WebKitGTK would use it. */
async function hasRenderNode() {
  return (await readdir("/dev/dri").catch(() => [])).some((name) => name.startsWith("renderD"));
}

/** The environment of the app's WebKit web process: the app's own, as it was when WebKit started. */
async function webProcessEnvironment(dataDir) {
  const marker = `QUANTUM_DATA_DIR=${dataDir}\0`;
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
      const exe = await realpath(`/proc/${pid}/exe`).catch(() => "");
      const environ = await readFile(`/proc/${pid}/environ`, "latin1").catch(() => "");
      if (exe.endsWith("WebKitWebProcess") && environ.includes(marker)) return environ.split("\0");
    }
    if (Date.now() > deadline) throw new Error(`no WebKit web process for ${dataDir}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("without a GPU, WebKit's compositing is off unless the user chose, as its web process shows", async () => {
  const gpu = await hasRenderNode();
  // A value set around the tests is the user's choice: the app leaves it as it is.
  const chosen = process.env.WEBKIT_DISABLE_COMPOSITING_MODE;
  // The harness keeps compositing on for its screenshots: unset here, the app decides.
  for (const [env, expected] of [
    [{ QUANTUM_COMPOSITING: "" }, chosen ?? (gpu ? undefined : "1")],
    [{ QUANTUM_COMPOSITING: "on" }, chosen],
  ]) {
    const app = await startApp({ env });
    try {
      await waitFor(app.driver, byTestId("nav-dashboard"), TIMEOUT_MS);
      const found = (await webProcessEnvironment(app.dataDir)).find((entry) => entry.startsWith("WEBKIT_DISABLE_COMPOSITING_MODE="));
      assert.equal(found?.split("=")[1], expected, `with ${JSON.stringify(env)} on a machine ${gpu ? "with" : "without"} a render node`);
    } finally {
      await app.close();
    }
  }
});
