// A database the app did not start, in the real window: a SQLite file added as a connection by its
// typed path, its tables drawn and listed and saved as PNG and SVG through the native save dialog
// (answered with xdotool), a table's details, a wrong file refused on its field,
// the SQL console on it (completion, format, NULL apart from '', CSV export, history, a saved
// query), and the connection removed (the file untouched). The same browser on a PostgreSQL container is
// in datasources.spec.mjs.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By, Key } from "selenium-webdriver";
import { answerSaveDialog, byTestId, capture, renderedText, replaceValue, startApp, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

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
INSERT INTO authors VALUES (1, 'Ada');
INSERT INTO notes VALUES (1, 1, NULL), (2, 1, ''), (3, 1, 'milk, "oat"');
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
  await replaceValue(driver, input, text);
}

test("a SQLite file added as a connection is drawn with its tables and relations", async () => {
  await click("nav-projects");
  await click("new-project-button");
  await type("project-name-input", "notes");
  await type("project-folder-input", dir);
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

  // The diagram saved as pictures through the native save dialog.
  for (const kind of ["png", "svg"]) {
    await click("schema-export-menu");
    await click(`schema-save-${kind}`);
    const picture = join(dir, `diagram.${kind}`);
    await answerSaveDialog(`Save the diagram as ${kind.toUpperCase()}`, picture);
    await waitForToast(driver, `Saved the diagram as ${kind.toUpperCase()}`);
    const bytes = await readFile(picture);
    if (kind === "png") {
      assert.equal(bytes.subarray(0, 8).toString("hex"), "89504e470d0a1a0a", "a PNG file");
      // IHDR: the picture holds the three tables side by side (each 240 px wide, 40 px margins).
      const [width, height] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
      assert.ok(width > 3 * 240 && height > 100, `the PNG is ${width} × ${height}`);
    } else {
      const svg = bytes.toString("utf8");
      assert.match(svg, /^<svg /);
      for (const table of ["authors", "notes", "tags"]) assert.ok(svg.includes(`>${table}<`), `the SVG draws ${table}`);
    }
  }

  const items = await driver.findElements(byTestId("schema-table-item"));
  await items[1].click();
  await click("schema-view-table");
  const details = await waitFor(driver, byTestId("schema-table-details"), TIMEOUT_MS);
  assert.match(await renderedText(driver, details), /\(author_id\) references authors/);
});

/** Replaces the console editor's text: Monaco takes keys in its hidden textarea. */
async function typeSql(sql) {
  const input = await waitFor(driver, By.css('[data-testid="console"] .monaco-editor textarea'), TIMEOUT_MS);
  await input.sendKeys(Key.chord(Key.CONTROL, "a"));
  await input.sendKeys(Key.DELETE, sql);
  return input;
}

/** The editor's lines as shown, top to bottom (Monaco draws spaces as no-break spaces). */
const editorText = () =>
  driver.executeScript(`
    const lines = [...document.querySelectorAll('[data-testid="console"] .view-line')];
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return lines.map((line) => line.textContent.replaceAll("\\u00a0", " ")).join("\\n");`);

test("the console completes, formats, runs, exports CSV, and keeps history and saved queries", async () => {
  await click("schema-view-console");
  // The dot asks for completions by itself.
  const input = await typeSql("SELECT * FROM notes n WHERE n.");
  await driver.wait(
    () =>
      driver.executeScript(
        'const w = document.querySelector(".suggest-widget"); return w !== null && w.textContent.includes("author_id");',
      ),
    TIMEOUT_MS,
    "the alias n completes the columns of notes",
  );
  await input.sendKeys(Key.ESCAPE);

  await typeSql("select id,body from notes order by id");
  await click("console-format");
  let shown = "";
  await driver
    .wait(async () => /^select\s*\n\s+id,\s*\n\s+body\s*\nfrom\s*\n\s+notes/.test((shown = await editorText())), TIMEOUT_MS)
    .catch(() => {
      throw new Error(`Format lays the script out a clause a line; the editor reads “${shown}”`);
    });
  await click("console-run");
  await driver.wait(
    async () => /^3 rows ·/.test(await renderedText(driver, await waitFor(driver, byTestId("console-status"), TIMEOUT_MS))),
    TIMEOUT_MS,
    "three rows come back",
  );
  const kinds = await driver.wait(async () => {
    const found = await driver.executeScript(
      'return [...document.querySelectorAll(\'[data-testid="console-row"] [data-kind]\')].map((cell) => cell.dataset.kind + ":" + cell.textContent);',
    );
    return found.length === 6 ? found : null;
  }, TIMEOUT_MS);
  assert.deepEqual(kinds, ["number:1", "null:NULL", "number:2", "empty:empty", "number:3", 'text:milk, "oat"']);

  const csv = join(dir, "notes.csv");
  await click("console-export");
  await type("console-export-path-input", csv);
  await click("console-export-submit");
  await waitForToast(driver, "Exported 3 rows as CSV");
  assert.equal(await readFile(csv, "utf8"), 'id,body\n1,\n2,""\n3,"milk, ""oat"""\n');

  await typeSql("SELECT 1");
  await click("console-history-menu");
  const entry = await waitFor(driver, byTestId("console-history-item"), TIMEOUT_MS);
  assert.match(await renderedText(driver, entry), /select id, body from notes order by id/);
  await entry.click();
  await driver.wait(async () => /^select/.test(await editorText()), TIMEOUT_MS, "the history puts the script back");

  await click("console-saved-menu");
  await click("console-save-as");
  await type("console-save-name-input", "all notes");
  await click("console-save-submit");
  await waitForToast(driver, "Saved the query as queries/all notes.sql");
  assert.match(await readFile(join(dir, "queries", "all notes.sql"), "utf8"), /^select\s+id,\s+body\s+from\s+notes/);
  await capture(driver, "schema-console-sqlite");
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
