// The real app killed (SIGKILL) while it restores a snapshot, then started again on the same data
// dir: the database ends ready on either its data before the restore or the snapshot's — never a
// mix, never none — and no half copy or copy helper is left. Needs Docker and the local test images.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { By } from "selenium-webdriver";
import { byTestId, killAppOf, openNewProject, removeContainerAndVolume, renderedText, startApp, testSettings, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;

const dataDir = await mkdtemp(join(tmpdir(), "quantum-e2e-restore-crash-"));
const folder = await mkdtemp(join(tmpdir(), "quantum-e2e-restore-project-"));
let app;
let name;

after(async () => {
  await app?.close();
  if (name) removeContainerAndVolume(name);
  await rm(dataDir, { recursive: true, force: true });
  await rm(folder, { recursive: true, force: true });
});

const docker = (...args) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const psql = (sql) => docker("exec", name, "sh", "-c", `psql -qtA -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "${sql}"`);
const helpers = () => docker("ps", "-a", "-q", "--filter", "label=app.quantumadmin.helper").split("\n").filter(Boolean);

async function click(driver, testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

async function statusOf(driver) {
  return driver.executeScript('return document.querySelector(\'[data-testid="datasource-status"]\')?.dataset.status ?? null;');
}

test("the app killed mid-restore, then started again, is on the old data or the snapshot's", async () => {
  app = await startApp({ settings: testSettings, dataDir });
  let { driver } = app;
  await openNewProject(driver, "restorecrash", folder);
  await click(driver, "add-datasource-button");
  await click(driver, "engine-option-postgres");
  await click(driver, "datasource-mode-express");
  await click(driver, "datasource-create-submit");
  await waitUntilGone(driver, byTestId("add-datasource-dialog"), "the form closes once the database is recorded");
  name = await renderedText(driver, await waitFor(driver, byTestId("datasource-name"), TIMEOUT_MS));
  await driver.wait(async () => (await statusOf(driver)) === "ready", READY_TIMEOUT_MS, "the database becomes ready");
  // Enough data for the copy to take a moment.
  psql("CREATE TABLE t AS SELECT g FROM generate_series(1, 1000000) g");

  await click(driver, "project-migrations-link");
  await click(driver, "snapshots-take");
  await click(driver, "snapshots-take-run");
  await waitForToast(driver, "Snapshot taken", READY_TIMEOUT_MS);
  psql("DELETE FROM t WHERE g > 400000");
  const restoreButton = await waitFor(driver, By.css('[data-testid="snapshot-row"][data-trigger="manual"] [data-testid="snapshot-restore"]'), TIMEOUT_MS);
  await driver.wait(async () => await restoreButton.isEnabled(), READY_TIMEOUT_MS, "the database is ready again");
  await restoreButton.click();
  await click(driver, "snapshots-restore-run");
  // Killed while the snapshot is copied into the new volume.
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (helpers().length === 0) {
    if (Date.now() > deadline) throw new Error("the restore's copy never started");
  }
  await killAppOf(dataDir);

  app = await startApp({ dataDir });
  driver = app.driver;
  await click(driver, "nav-projects");
  await click(driver, "project-name-link");
  let settled;
  await driver.wait(
    async () => ["ready", "stopped", "error", "missing"].includes((settled = await statusOf(driver))),
    READY_TIMEOUT_MS,
    "the database settles after the restart",
  );
  assert.ok(settled === "ready" || settled === "stopped", `settled as ${settled}`);
  if (settled === "stopped") await click(driver, "datasource-start");
  await driver.wait(async () => (await statusOf(driver)) === "ready", READY_TIMEOUT_MS, "the database is ready");
  const rows = Number(psql("SELECT count(*) FROM t"));
  assert.ok(rows === 400000 || rows === 1000000, `the old data (400,000 rows) or the snapshot's (1,000,000), not ${rows}`);
  await driver.wait(async () => helpers().length === 0, TIMEOUT_MS, "no copy helper is left");
  const mounted = docker("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", name);
  const volumes = docker("volume", "ls", "-q", "--filter", `name=^${name}-data`).split("\n").filter(Boolean);
  // The live volume, and the original one kept as "replaced by a restore" if the switch happened.
  assert.ok(volumes.includes(mounted), "the container runs on a volume of its own");
  assert.ok(volumes.length <= 2, `no half copy left: ${volumes.join(", ")}`);
});
