// The `quantum` command line beside the running app, on its data dir: what it does to a database
// (stop, start) shows in the window without a refresh, and in the activity log. Needs Docker and
// the local test images; the binary is built beside the app's (QUANTUM_CLI_BINARY overrides).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { By } from "selenium-webdriver";
import { byTestId, newDataDir, openNewProject, removeContainerAndVolume, renderedText, startApp, testSettings, waitFor, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;
const cli = process.env.QUANTUM_CLI_BINARY ?? join(dirname(process.env.QUANTUM_APP_BINARY ?? ""), "quantum");

let app;
let driver;
let dataDir;
let folder;
let name;

before(async () => {
  dataDir = await newDataDir();
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-cli-"));
  app = await startApp({ settings: testSettings, dataDir });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (name) removeContainerAndVolume(name);
  await rm(folder, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

/** `quantum --json ARGS…` on the app's data dir; its parsed output. */
async function quantum(...args) {
  const { stdout } = await promisify(execFile)(cli, ["--json", ...args], { env: { ...process.env, QUANTUM_DATA_DIR: dataDir }, cwd: folder });
  return JSON.parse(stdout);
}

const statusOf = () => driver.executeScript('return document.querySelector(\'[data-testid="datasource-status"]\')?.dataset.status ?? null;');

/** Milliseconds from now until the window shows the datasource in `status`. */
async function shownWithin(status) {
  const started = Date.now();
  await driver.wait(async () => (await statusOf()) === status, TIMEOUT_MS, `the window shows ${status}`);
  return Date.now() - started;
}

test("a database stopped and started from the command line changes in the window as it happens", async () => {
  await openNewProject(driver, "clishop", folder);
  await (await waitFor(driver, byTestId("add-datasource-button"), TIMEOUT_MS)).click();
  await (await waitFor(driver, byTestId("engine-option-postgres"), TIMEOUT_MS)).click();
  await (await waitFor(driver, byTestId("datasource-mode-express"), TIMEOUT_MS)).click();
  await (await waitFor(driver, byTestId("datasource-create-submit"), TIMEOUT_MS)).click();
  await waitUntilGone(driver, byTestId("add-datasource-dialog"), "the form closes once the database is recorded");
  name = await renderedText(driver, await waitFor(driver, byTestId("datasource-name"), TIMEOUT_MS));
  await driver.wait(async () => (await statusOf()) === "ready", READY_TIMEOUT_MS, "the database becomes ready");

  // Run from the project's folder: the project is found from it.
  const status = await quantum("status");
  assert.equal(status.projects[0].name, "clishop");
  assert.equal(status.projects[0].datasources[0].status, "ready");

  const down = await quantum("down");
  assert.equal(down.datasources[0].result, "stopped");
  const stoppedAfter = await shownWithin("stopped");
  const up = await quantum("up");
  assert.equal(up.datasources[0].status, "ready");
  const readyAfter = await shownWithin("ready");
  console.log(`the window showed the command line's stop ${stoppedAfter} ms and its start ${readyAfter} ms after it ended`);

  // The activity log has both, as done to this database.
  await (await waitFor(driver, byTestId("nav-activity"), TIMEOUT_MS)).click();
  for (const action of ["datasource.stop", "datasource.start"]) {
    const row = await waitFor(driver, By.css(`[data-testid="activity-row"][data-action="${action}"]`), TIMEOUT_MS);
    assert.match(await renderedText(driver, row), new RegExp(name));
  }
});
