// The real app killed (SIGKILL) while a PostgreSQL database is being created, at three moments,
// then started again on the same data dir: each time the database ends ready (Start finishes a
// creation cut short), with one container and its volume. Then Quit mid-create: the app waits for
// the creation to end and exits by itself, and the database is ready at the next start without
// Start. Needs Docker and the local test images.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { By, Key } from "selenium-webdriver";
import { appPidsOf, byTestId, killAppOf, removeContainerAndVolume, renderedText, startApp, testSettings, waitFor, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;
const PROJECT = "crashtest";

const dataDir = await mkdtemp(join(tmpdir(), "quantum-e2e-crash-"));
/** Names of the databases made, to clean up whatever a failure leaves. */
const made = new Set();
let app;

after(async () => {
  await app?.close();
  for (const name of made) removeContainerAndVolume(name);
  await rm(dataDir, { recursive: true, force: true });
});

const docker = (...args) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const containersNamed = (name) => docker("ps", "-a", "-q", "--filter", `name=^/${name}$`).split("\n").filter(Boolean);
const running = (name) => {
  try {
    return docker("inspect", "-f", "{{.State.Running}}", name) === "true";
  } catch {
    return false;
  }
};

/** Polls `condition` every 10 ms until it holds, or fails at the deadline. */
async function until(condition, what, timeoutMs = READY_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function click(driver, testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

async function openProject(driver) {
  await click(driver, "nav-projects");
  const row = By.css(`[data-testid="project-row"][data-project-name="${PROJECT}"]`);
  await (await waitFor(driver, row, TIMEOUT_MS)).findElement(byTestId("project-name-link")).click();
  await waitFor(driver, byTestId("datasources-section"), TIMEOUT_MS);
}

/** Submits the express form and returns the new database's name once the form has closed. */
async function createDatabase(driver) {
  const before = new Set(await datasourceNames(driver));
  await click(driver, "add-datasource-button");
  await click(driver, "engine-option-postgres");
  await click(driver, "datasource-mode-express");
  await click(driver, "datasource-create-submit");
  await waitUntilGone(driver, byTestId("add-datasource-dialog"), "the form closes once the database is recorded");
  let name;
  await driver.wait(
    async () => (name = (await datasourceNames(driver)).find((n) => !before.has(n))) !== undefined,
    TIMEOUT_MS,
    "the new database is listed",
  );
  made.add(name);
  return name;
}

async function datasourceNames(driver) {
  const items = await driver.findElements(byTestId("datasource-item"));
  return Promise.all(items.map((item) => item.getAttribute("data-datasource-name")));
}

/** The status badge of the database `name`, or null while React replaces it. */
async function statusOf(driver, name) {
  try {
    const item = await driver.findElement(By.css(`[data-testid="datasource-item"][data-datasource-name="${name}"]`));
    return await (await item.findElement(byTestId("datasource-status"))).getAttribute("data-status");
  } catch (error) {
    if (["StaleElementReferenceError", "NoSuchElementError"].includes(error.name)) return null;
    throw error;
  }
}

/** After a restart: the database settles, and is ready once Start finishes a cut-short creation. */
async function expectReadyAfterRestart(name) {
  app = await startApp({ dataDir });
  const { driver } = app;
  await openProject(driver);
  const item = By.css(`[data-testid="datasource-item"][data-datasource-name="${name}"]`);
  await waitFor(driver, item, TIMEOUT_MS);
  let settled;
  await driver.wait(
    async () => ["ready", "stopped", "error", "missing"].includes((settled = await statusOf(driver, name))),
    READY_TIMEOUT_MS,
    `${name} settles after the restart`,
  );
  if (settled === "stopped") {
    const reason = await renderedText(driver, await driver.findElement(item).findElement(byTestId("datasource-stopped-reason")));
    assert.match(reason, /Start finishes it/);
    await (await driver.findElement(item).findElement(byTestId("datasource-start"))).click();
  }
  assert.notEqual(settled, "error", `${name} failed after the restart`);
  assert.notEqual(settled, "missing", `${name} lost its container after the restart`);
  await driver.wait(async () => (await statusOf(driver, name)) === "ready", READY_TIMEOUT_MS, `${name} is ready`);
  assert.equal(containersNamed(name).length, 1, "exactly one container");
  docker("volume", "inspect", `${name}-data`);
}

const moments = [
  ["as soon as the form closes", async () => {}],
  ["once its container exists", async (name) => until(() => containersNamed(name).length > 0, "the container")],
  ["while its server starts", async (name) => until(() => running(name), "the container running")],
];

test("the app killed mid-create, then started again, ends with the database ready", async () => {
  app = await startApp({ settings: testSettings, dataDir });
  await click(app.driver, "nav-projects");
  await click(app.driver, "new-project-button");
  await (await waitFor(app.driver, byTestId("project-name-input"), TIMEOUT_MS)).sendKeys(PROJECT);
  await click(app.driver, "project-form-submit");
  await waitUntilGone(app.driver, byTestId("project-form-dialog"), "the project form closes");
  await openProject(app.driver);

  for (const [moment, reached] of moments) {
    const name = await createDatabase(app.driver);
    await reached(name);
    await killAppOf(dataDir);
    await app.close();
    app = undefined;
    await expectReadyAfterRestart(name).catch((error) => {
      error.message = `killed ${moment}: ${error.message}`;
      throw error;
    });
  }
});

test("Quit mid-create waits for the database, which is ready at the next start", async () => {
  await app?.close();
  app = await startApp({ dataDir });
  const { driver } = app;
  await openProject(driver);
  const name = await createDatabase(driver);
  const pids = await appPidsOf(dataDir);

  // Ctrl+Q at once, while the database is still being created.
  await driver.actions().keyDown(Key.CONTROL).sendKeys("q").keyUp(Key.CONTROL).perform();
  await until(async () => (await appPidsOf(dataDir)).every((pid) => !pids.includes(pid)), "the app exits by itself");
  await app.close();
  app = undefined;
  // It waited for the creation (its log says so), rather than cutting it short.
  const logs = join(dataDir, "logs");
  const logged = (await Promise.all((await readdir(logs)).map((file) => readFile(join(logs, file), "utf8")))).join("");
  assert.match(logged, /quitting once the running datasource operations end/);

  app = await startApp({ dataDir });
  await openProject(app.driver);
  const item = By.css(`[data-testid="datasource-item"][data-datasource-name="${name}"]`);
  await waitFor(app.driver, item, TIMEOUT_MS);
  let settled;
  await app.driver.wait(
    async () => ["ready", "stopped", "error", "missing"].includes((settled = await statusOf(app.driver, name))),
    READY_TIMEOUT_MS,
    `${name} settles after the restart`,
  );
  assert.equal(settled, "ready", "the creation finished before the app quit");
  assert.equal(containersNamed(name).length, 1, "exactly one container");
});
