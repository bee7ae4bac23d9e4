// Migrations in the real window: a PostgreSQL database of a project with a folder, a migration
// created from the page (its files in migrations/<database>/), written in Monaco, applied, rolled back
// after a dry run that says what the down file drops, a snapshot taken before each, the one before the
// rollback restored (the table and the history back), a column added behind the app's back found as
// drift and written as the next migration, and all of it seen in the activity log. Needs Docker and
// the local test images.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By, Key } from "selenium-webdriver";
import { byTestId, capture, openNewProject, removeContainerAndVolume, renderedText, startApp, testSettings, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;

let app;
let driver;
let folder;
let datasourceName;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-migrations-"));
  app = await startApp({ settings: testSettings });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (datasourceName) removeContainerAndVolume(datasourceName);
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function click(testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

const row = (version) => By.css(`[data-testid="migration-row"][data-version="${version}"]`);

const snapshotRow = (trigger) => By.css(`[data-testid="snapshot-row"][data-trigger="${trigger}"]`);

async function waitForSnapshot(trigger) {
  return driver.wait(
    async () => (await driver.findElements(snapshotRow(trigger)))[0],
    READY_TIMEOUT_MS,
    `a snapshot ${trigger} is listed`,
  );
}

async function waitForState(version, state) {
  await driver.wait(
    async () => {
      const rows = await driver.findElements(row(version));
      return rows.length > 0 && (await rows[0].getAttribute("data-state")) === state;
    },
    TIMEOUT_MS,
    `migration ${version} is ${state}`,
  );
}

test("a migration is created, applied, rolled back and undone from a snapshot, all logged", async () => {
  await openNewProject(driver, "ledger", folder);
  await click("add-datasource-button");
  await click("engine-option-postgres");
  await click("datasource-mode-express");
  await click("datasource-create-submit");
  await waitUntilGone(driver, byTestId("add-datasource-dialog"), "the form closes once the database is recorded");
  datasourceName = await renderedText(driver, await waitFor(driver, byTestId("datasource-name"), TIMEOUT_MS));
  await driver.wait(
    async () =>
      (await driver.executeScript('return document.querySelector(\'[data-testid="datasource-status"]\')?.dataset.status ?? null;')) === "ready",
    READY_TIMEOUT_MS,
    "the database becomes ready",
  );

  await click("project-migrations-link");
  const where = await waitFor(driver, byTestId("migrations-folder"), TIMEOUT_MS);
  const own = join(folder, "migrations", datasourceName);
  assert.ok((await renderedText(driver, where)).includes(own), "new migrations go in the app's own folder");

  await click("migrations-new");
  await (await waitFor(driver, byTestId("migrations-new-name"), TIMEOUT_MS)).sendKeys("create notes");
  await click("migrations-new-submit");
  await waitForToast(driver, "Migration created");
  const files = (await readdir(own)).sort();
  assert.deepEqual(files, ["0001_create_notes.down.sql", "0001_create_notes.up.sql"]);

  // The new files open in Monaco: the up file is written there, saved with Ctrl+S.
  await waitFor(driver, byTestId("migration-editor"), TIMEOUT_MS);
  const monaco = await waitFor(driver, By.css('[data-testid="migration-editor-monaco"] .monaco-editor textarea'), TIMEOUT_MS);
  // Separate calls: WebKitWebDriver keeps Ctrl held to the end of one call.
  await monaco.sendKeys(Key.chord(Key.CONTROL, "a"));
  await monaco.sendKeys(Key.DELETE, "CREATE TABLE notes (id bigint PRIMARY KEY, body text);");
  await monaco.sendKeys(Key.chord(Key.CONTROL, "s"));
  await waitForToast(driver, "Saved 0001_create_notes.up.sql");
  assert.equal(await readFile(join(own, files[1]), "utf8"), "CREATE TABLE notes (id bigint PRIMARY KEY, body text);");
  await writeFile(join(own, files[0]), "DROP TABLE notes;\n");
  await click("migration-editor-close");
  await click("migrations-refresh");
  await waitForState(1, "pending");

  await click("migrations-apply-all");
  await waitFor(driver, byTestId("migrations-confirm"), TIMEOUT_MS);
  await click("migrations-confirm-run");
  await waitForToast(driver, "Applied migration 1", READY_TIMEOUT_MS);
  await waitForState(1, "applied");
  await waitForSnapshot("before_apply");
  await capture(driver, "migrations-applied");

  // The rollback's confirmation says what its down file would do, rows counted.
  await click("migrations-rollback-last");
  const finding = await waitFor(driver, byTestId("migrations-finding"), TIMEOUT_MS);
  assert.equal(await renderedText(driver, finding), "drops table notes and every row in it — 0 rows now");
  await click("migrations-confirm-run");
  await waitForToast(driver, "Rolled back migration 1", READY_TIMEOUT_MS);
  await waitForState(1, "pending");

  // The snapshot taken before the rollback holds the table and the history that said "applied".
  const before = await waitForSnapshot("before_rollback");
  assert.match(await renderedText(driver, before), /Before rolling back 1 create notes/);
  await (await before.findElement(byTestId("snapshot-restore"))).click();
  const confirm = await waitFor(driver, byTestId("snapshots-restore-confirm"), TIMEOUT_MS);
  assert.match(await renderedText(driver, confirm), /The current data is kept as a snapshot/);
  await click("snapshots-restore-run");
  await waitForToast(driver, "Snapshot restored", READY_TIMEOUT_MS);
  await waitForState(1, "applied");
  await waitForSnapshot("before_restore");
  await capture(driver, "migrations-restored");

  // Behind the app's back, then found by replaying the files into a shadow database.
  execFileSync("docker", ["exec", datasourceName, "sh", "-c", 'psql -q -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "ALTER TABLE notes ADD COLUMN title text"']);
  await click("migrations-drift");
  const drifted = await waitFor(driver, byTestId("drift-table"), READY_TIMEOUT_MS);
  assert.match(await renderedText(driver, drifted), /public\.notes[\s\S]*column title only in the database: text/);
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("drift-up"), TIMEOUT_MS)), /ALTER TABLE public\.notes ADD COLUMN title text;/);
  await capture(driver, "migrations-drift");
  await click("drift-write");
  await waitForToast(driver, "Migration written and recorded as applied");
  await waitForState(2, "applied");
  assert.ok((await readdir(own)).includes("0002_schema_drift.up.sql"), "written as the next migration");

  await click("nav-activity");
  const entries = await waitFor(driver, byTestId("activity-list"), TIMEOUT_MS);
  await driver.wait(
    async () => {
      const text = await renderedText(driver, entries);
      return [/Applied migrations to/, /Rolled back migrations of/, /Took a snapshot of/, /Restored a snapshot of/].every((entry) => entry.test(text));
    },
    TIMEOUT_MS,
    "all of it is in the activity log",
  );
});
