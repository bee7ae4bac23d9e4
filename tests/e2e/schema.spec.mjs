// A database the app did not start, in the real window: a SQLite file added as a connection by its
// typed path, its tables drawn and listed, a table's details, a wrong file refused on its field,
// and the connection removed (the file untouched). The same browser on a PostgreSQL container is
// in datasources.spec.mjs.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { byTestId, capture, renderedText, startApp, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;

let app;
let driver;
let dir;
let database;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "quantum-e2e-sqlite-"));
  database = join(dir, "notes.db");
  // Python's sqlite3 module: no SQLite tool needs to be installed for this.
  execFileSync("python3", [
    "-c",
    `import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE notes (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors (id), body TEXT);
CREATE TABLE tags (note_id INTEGER REFERENCES notes (id), tag TEXT, PRIMARY KEY (note_id, tag));
""")
db.close()`,
    database,
  ]);
  app = await startApp();
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function click(testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

async function type(testId, text) {
  const input = await waitFor(driver, byTestId(testId), TIMEOUT_MS);
  await input.clear();
  await input.sendKeys(text);
}

test("a SQLite file added as a connection is drawn with its tables and relations", async () => {
  await click("nav-projects");
  await click("new-project-button");
  await type("project-name-input", "notes");
  await click("project-form-submit");
  await waitForToast(driver, "Project “notes” created");
  await click("project-name-link");
  await click("project-schema-link");
  await waitFor(driver, byTestId("schema-empty"), TIMEOUT_MS);

  await click("schema-add-connection-empty");
  await waitFor(driver, byTestId("add-connection-dialog"), TIMEOUT_MS);
  await (await waitFor(driver, By.css('[data-testid="connection-kind"] option[value="sqlite"]'), TIMEOUT_MS)).click();
  // A file that is not a database is refused on its field, and nothing is added.
  const text = join(dir, "notes.txt");
  await writeFile(text, "not a database");
  await type("connection-name", "notes file");
  await type("connection-path", text);
  await click("connection-save");
  const error = await waitFor(driver, byTestId("connection-error"), TIMEOUT_MS);
  assert.match(await renderedText(driver, error), /not a SQLite database/);

  await type("connection-path", database);
  await click("connection-test");
  await waitFor(driver, byTestId("connection-tested"), TIMEOUT_MS);
  await click("connection-save");
  await waitForToast(driver, "Connection “notes file” added");
  await driver.wait(
    async () => (await driver.findElements(byTestId("erd-table"))).length === 3,
    TIMEOUT_MS,
    "the diagram draws the file's three tables",
  );
  await capture(driver, "schema-sqlite-connection");

  const items = await driver.findElements(byTestId("schema-table-item"));
  await items[1].click();
  await click("schema-view-table");
  const details = await waitFor(driver, byTestId("schema-table-details"), TIMEOUT_MS);
  assert.match(await renderedText(driver, details), /\(author_id\) references authors/);
});

test("removing the connection forgets it and leaves the file alone", async () => {
  const before = await stat(database);
  await click("schema-remove-connection");
  await click("remove-connection-confirm");
  await waitForToast(driver, "Connection “notes file” removed");
  await waitFor(driver, byTestId("schema-empty"), TIMEOUT_MS);
  await waitUntilGone(driver, byTestId("erd"), "the diagram goes with the connection");
  const afterwards = await stat(database);
  assert.equal(afterwards.size, before.size);
  assert.equal(afterwards.mtimeMs, before.mtimeMs, "the browser never writes to the file");
});
