// Starts the real app through tauri-driver (WebKitWebDriver underneath) on an empty data dir.
// Run under Xvfb and a D-Bus session: `scripts/test` does both.
import { execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, until } from "selenium-webdriver";

const here = dirname(fileURLToPath(import.meta.url));
export const artifactsDir = join(here, "artifacts");

const application = process.env.QUANTUM_APP_BINARY;
const tauriDriver = process.env.TAURI_DRIVER ?? "tauri-driver";

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port, or rejects at the deadline. */
async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`tauri-driver did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The settings the E2E app starts with: database images point at the local test images, since no
 * registry is reachable in CI (`tests/images/build.sh` builds them).
 */
export const testSettings = {
  theme: "system",
  closeToTray: false,
  logLevel: "info",
  engineImages: {
    postgres: process.env.QUANTUM_TEST_IMAGE_POSTGRES ?? "testdb/postgres:15",
    mysql: process.env.QUANTUM_TEST_IMAGE_MYSQL ?? "testdb/mariadb:10.11",
    mariadb: process.env.QUANTUM_TEST_IMAGE_MARIADB ?? "testdb/mariadb:10.11",
    redis: process.env.QUANTUM_TEST_IMAGE_REDIS ?? "testdb/redis:7",
  },
};

/** Makes a new, empty data dir; a spec that restarts the app on it passes it to {@link startApp}. */
export function newDataDir() {
  return mkdtemp(join(tmpdir(), "quantum-e2e-"));
}

/** How long a start may take to open its window before the spec fails instead of hanging. */
const SESSION_TIMEOUT_MS = 60_000;

/**
 * Starts the app on a new data dir, empty but for `settings` (written as the app's settings file),
 * with `env` added to its environment and `args` on its command line. With `dataDir`, the app
 * starts on that dir instead (a restart), which the caller owns: `close` leaves it.
 * @param {{ settings?: object, env?: Record<string, string>, args?: string[], dataDir?: string }} [options]
 * @returns {Promise<{driver: import("selenium-webdriver").WebDriver, dataDir: string, close: () => Promise<void>}>}
 */
export async function startApp({ settings, env = {}, args = [], dataDir: given } = {}) {
  if (!application) throw new Error("Set QUANTUM_APP_BINARY to the app binary (scripts/test does)");
  const dataDir = given ?? (await newDataDir());
  const removeDataDir = () => (given ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }));
  if (settings) await writeFile(join(dataDir, "settings.json"), JSON.stringify({ settings }));
  // A free port can be taken between the check and WebKitWebDriver's listen: then try new ports.
  for (let attempt = 1; ; attempt++) {
    const [port, nativePort] = [await freePort(), await freePort()];
    // Compositing stays on: WebKitWebDriver's screenshots never return with it off (WebKitGTK
    // 2.50), which the app chooses on a machine without a GPU (src-tauri/src/rendering.rs, checked
    // by desktop.spec.mjs with QUANTUM_COMPOSITING unset).
    const { process: driverProcess, exited, failed } = spawnDriver(port, nativePort, {
      ...process.env,
      QUANTUM_COMPOSITING: "on",
      ...env,
      QUANTUM_DATA_DIR: dataDir,
    });
    try {
      await Promise.race([waitForPort(port, 15_000), failed]);
      // An app that exits at start leaves WebKitWebDriver waiting for a window forever.
      let timer;
      const noWindow = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the app opened no window within ${SESSION_TIMEOUT_MS / 1000} s (its output is above)`)), SESSION_TIMEOUT_MS);
      });
      const driver = await Promise.race([
        new Builder()
          .usingServer(`http://127.0.0.1:${port}/`)
          .withCapabilities({ browserName: "wry", "tauri:options": { application, args } })
          .build(),
        failed,
        noWindow,
      ]).finally(() => clearTimeout(timer));
      return {
        driver,
        dataDir,
        async close() {
          await driver.quit().catch(() => {});
          driverProcess.kill();
          await exited;
          await stopAppsOf(dataDir);
          if (!given) removeShadowsOf(dataDir);
          await removeDataDir();
        },
      };
    } catch (error) {
      driverProcess.kill();
      await exited;
      await stopAppsOf(dataDir);
      if (attempt < 3 && /Unable to listen/.test(String(error))) continue;
      await removeDataDir();
      throw error;
    }
  }
}

/**
 * tauri-driver with its output passed on, except that a WebKitWebDriver that cannot listen
 * (its port taken meanwhile) fails the start at once instead of tauri-driver repeating
 * "accept new stream fail" forever.
 */
function spawnDriver(port, nativePort, env) {
  const driverProcess = spawn(tauriDriver, ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => driverProcess.once("exit", resolve));
  let fail;
  const failed = new Promise((_, reject) => (fail = reject));
  failed.catch(() => {});
  let repeats = 0;
  const relay = (chunk) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line) continue;
      if (/Unable to listen/.test(line)) fail(new Error(`WebKitWebDriver: ${line}`));
      if (/accept new stream fail/.test(line) && ++repeats > 1) continue;
      process.stderr.write(`${line}\n`);
    }
  };
  driverProcess.stdout.on("data", relay);
  driverProcess.stderr.on("data", relay);
  return { process: driverProcess, exited, failed };
}

/** The ids of the processes started with `dataDir` as the app's data dir: the app and its helpers. */
async function processesOf(dataDir) {
  const marker = `QUANTUM_DATA_DIR=${dataDir}\0`;
  const pids = [];
  for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    const environ = await readFile(`/proc/${pid}/environ`, "latin1").catch(() => "");
    if (environ.includes(marker)) pids.push(Number(pid));
  }
  return pids;
}

/** The ids of the app processes (not WebKit's helpers) running on `dataDir`. */
export async function appPidsOf(dataDir) {
  const binary = await realpath(application);
  const pids = [];
  for (const pid of await processesOf(dataDir)) {
    if ((await readlink(`/proc/${pid}/exe`).catch(() => "")) === binary) pids.push(pid);
  }
  return pids;
}

/**
 * Ends the processes still running on `dataDir` and waits until the app is gone. Closing the
 * window only hides an app whose settings say "close to tray", so the driver's quit can leave it
 * running after a spec.
 */
async function stopAppsOf(dataDir) {
  const apps = await appPidsOf(dataDir);
  for (const pid of await processesOf(dataDir)) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + 10_000;
  while ((await appPidsOf(dataDir)).some((pid) => apps.includes(pid))) {
    if (Date.now() > deadline) throw new Error(`the app on ${dataDir} did not end within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until the element is in the page and visible, and returns it. */
export async function waitFor(driver, locator, timeoutMs = 10_000) {
  const element = await driver.wait(until.elementLocated(locator), timeoutMs);
  await driver.wait(until.elementIsVisible(element), timeoutMs);
  return element;
}

/**
 * Replaces the text of a React-controlled input. WebDriver's clear() sets the value without an
 * input event React sees, so a re-render in between (a query refetched on focus) puts the old text
 * back and the typing lands after it. Emptied through the value setter React watches, then typed.
 */
/** Clicks `element`, waiting out a toast drawn over it for a moment (they fade in seconds). */
export async function clickUncovered(driver, element, timeoutMs = 10_000) {
  await driver.wait(
    async () => {
      try {
        await element.click();
        return true;
      } catch (error) {
        if (error.name === "ElementClickInterceptedError") return false;
        throw error;
      }
    },
    timeoutMs,
    "the element can be clicked, nothing drawn over it",
  );
}

export async function replaceValue(driver, element, text, timeoutMs = 10_000) {
  await driver.executeScript(
    `const input = arguments[0];
     const prototype = input instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
     Object.getOwnPropertyDescriptor(prototype, "value").set.call(input, "");
     input.dispatchEvent(new Event("input", { bubbles: true }));`,
    element,
  );
  await element.sendKeys(text);
  await driver.wait(async () => (await element.getAttribute("value")) === text, timeoutMs, `the field holds ${JSON.stringify(text)}`);
}

/** Saves a screenshot of the window as tests/e2e/artifacts/NAME.png. */
export async function screenshot(driver, name) {
  await mkdir(artifactsDir, { recursive: true });
  await writeFile(join(artifactsDir, `${name}.png`), await driver.takeScreenshot(), "base64");
}

/** Locates an element by its `data-testid`. */
export const byTestId = (id) => By.css(`[data-testid="${id}"]`);

/**
 * The text the element renders. WebKitWebDriver's getText() leaves out text clipped with an
 * ellipsis (overflow: hidden), which names and summaries often are; innerText does not.
 */
export async function renderedText(driver, element) {
  return (await driver.executeScript("return arguments[0].innerText;", element)).trim();
}

/**
 * A value read from the page. WebKitWebDriver answers "Could not parse script result" when the
 * page is too busy to answer in time: ask again.
 */
export async function fromPage(driver, script) {
  for (;;) {
    try {
      return await driver.executeScript(script);
    } catch (error) {
      if (!/Could not parse script result/.test(error.message)) throw error;
    }
  }
}

/**
 * Creates a project through the Projects page's form, named `name` and on `folder` when one is
 * given, and opens its page, as a user starts most specs.
 */
export async function openNewProject(driver, name, folder, timeoutMs = 15_000) {
  const click = async (testId) => (await waitFor(driver, byTestId(testId), timeoutMs)).click();
  await click("nav-projects");
  await click("new-project-button");
  await (await waitFor(driver, byTestId("project-name-input"), timeoutMs)).sendKeys(name);
  if (folder) await (await waitFor(driver, byTestId("project-folder-input"), timeoutMs)).sendKeys(folder);
  await click("project-form-submit");
  await waitUntilGone(driver, byTestId("project-form-dialog"), "the project form closes", timeoutMs);
  // The new project's link: the list may hold others made earlier in the spec.
  const link = By.xpath(`//*[@data-testid="project-name-link"][normalize-space(.)="${name}"]`);
  await (await waitFor(driver, link, timeoutMs)).click();
}

/**
 * On the open project's page, adds a database of `engine` in express mode, as a user does, and
 * waits until it is ready; its name (its container's).
 */
export async function addExpressDatasource(driver, engine, readyTimeoutMs = 120_000, timeoutMs = 15_000) {
  const click = async (testId) => (await waitFor(driver, byTestId(testId), timeoutMs)).click();
  await click("add-datasource-button");
  await click(`engine-option-${engine}`);
  await click("datasource-mode-express");
  await click("datasource-create-submit");
  await waitUntilGone(driver, byTestId("add-datasource-dialog"), "the form closes once the database is recorded", timeoutMs);
  const name = await renderedText(driver, await waitFor(driver, byTestId("datasource-name"), timeoutMs));
  await driver.wait(
    async () => (await driver.executeScript('return document.querySelector(\'[data-testid="datasource-status"]\')?.dataset.status ?? null;')) === "ready",
    readyTimeoutMs,
    `the ${engine} database becomes ready`,
  );
  return name;
}

export async function waitUntilGone(driver, locator, message, timeoutMs = 15_000) {
  await driver.wait(
    async () => {
      try {
        return (await driver.findElements(locator)).length === 0;
      } catch (error) {
        // WebKitWebDriver reports an element removed mid-search as stale: ask again.
        if (error.name === "StaleElementReferenceError") return false;
        throw error;
      }
    },
    timeoutMs,
    message,
  );
}

/** Waits for a toast (sonner) containing `text`. */
export async function waitForToast(driver, text, timeoutMs = 15_000) {
  const toast = By.xpath(`//*[@data-sonner-toast][contains(., '${text}')]`);
  return driver.wait(until.elementLocated(toast), timeoutMs, `a toast saying “${text}”`);
}

/** Screenshots once the latest DOM change is painted: WebKit captures the last frame it drew. */
export async function capture(driver, name) {
  await driver.executeAsyncScript(
    "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
  );
  await screenshot(driver, name);
}

/** Kills the app on `dataDir` as a crash would (SIGKILL) and waits until it is gone. */
export async function killAppOf(dataDir, timeoutMs = 10_000) {
  const pids = await appPidsOf(dataDir);
  if (pids.length === 0) throw new Error(`no app runs on ${dataDir}`);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  const deadline = Date.now() + timeoutMs;
  while ((await appPidsOf(dataDir)).some((pid) => pids.includes(pid))) {
    if (Date.now() > deadline) throw new Error(`the app on ${dataDir} outlived SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Removes a datasource's container and its data volume if they are still there: a failed run
 * must not leave them behind for the next one.
 */
/**
 * Removes the shadow servers (drift checks' scratch databases) an app on `dataDir` made and did
 * not take away before it was stopped: containers and volumes labelled with its store's identity.
 */
function removeShadowsOf(dataDir) {
  let identity = "";
  try {
    identity = execFileSync(
      "python3",
      ["-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT id FROM store_identity').fetchone()[0])", join(dataDir, "quantum-admin.sqlite3")],
      { encoding: "utf8" },
    ).trim();
  } catch {
    return; // No store: the app never opened it.
  }
  const labelled = (kind) =>
    execFileSync("docker", [...kind, "--filter", "label=app.quantumadmin.shadow", "--filter", `label=app.quantumadmin.store=${identity}`], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
  try {
    for (const container of labelled(["ps", "-aq"])) execFileSync("docker", ["rm", "-f", "-v", container], { stdio: "ignore" });
    for (const volume of labelled(["volume", "ls", "-q"])) execFileSync("docker", ["volume", "rm", "-f", volume], { stdio: "ignore" });
  } catch {
    // Docker is gone: nothing to take away.
  }
}

export function removeContainerAndVolume(name) {
  // Its data volume, and its snapshots' and restores' (`<name>-snap-…`, `<name>-data-…`).
  let volumes = [`${name}-data`];
  try {
    volumes = execFileSync("docker", ["volume", "ls", "-q", "--filter", `name=^${name}-`], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    // Listed by name below.
  }
  for (const args of [["rm", "-f", name], ...volumes.map((volume) => ["volume", "rm", "-f", volume])]) {
    try {
      execFileSync("docker", args, { stdio: "ignore" });
    } catch {
      // Already gone.
    }
  }
}

/**
 * Answers the native save dialog titled `title` (GTK's file chooser, opened by the app through
 * tauri-plugin-dialog) with `path`, as a user would: typed into its name field, then Enter. Needs
 * xdotool and the X display the app runs on.
 */
export async function answerSaveDialog(title, path, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let window = "";
  while (!window) {
    try {
      window = execFileSync("xdotool", ["search", "--onlyvisible", "--name", `^${title}$`], { encoding: "utf8" }).trim().split("\n")[0];
    } catch {
      // xdotool exits with 1 while no window matches.
    }
    if (!window && Date.now() > deadline) throw new Error(`no native dialog titled “${title}” within ${timeoutMs} ms; windows: ${windowNames().join(" | ")}`);
    if (!window) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const visible = () => {
    try {
      return execFileSync("xdotool", ["search", "--onlyvisible", "--name", `^${title}$`], { encoding: "utf8" }).includes(window);
    } catch {
      return false;
    }
  };
  execFileSync("xdotool", ["windowfocus", "--sync", window]);
  // The name field has the focus and the suggested name selected: a full path replaces it.
  execFileSync("xdotool", ["key", "--clearmodifiers", "ctrl+a"]);
  execFileSync("xdotool", ["type", "--delay", "10", path]);
  // The first Enter may only accept the path's completion popup; Enter again until the dialog
  // closes, and only into the dialog.
  while (visible()) {
    if (Date.now() > deadline) throw new Error(`the dialog “${title}” did not accept ${path}`);
    execFileSync("xdotool", ["windowfocus", "--sync", window]);
    execFileSync("xdotool", ["key", "Return"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** The names of the display's windows, for a failure's message. */
function windowNames() {
  try {
    const ids = execFileSync("xdotool", ["search", "--name", "."], { encoding: "utf8" }).trim().split("\n");
    return ids.map((id) => execFileSync("xdotool", ["getwindowname", id], { encoding: "utf8" }).trim());
  } catch (error) {
    return [`(xdotool: ${error.message})`];
  }
}
