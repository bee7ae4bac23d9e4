// The one logs page in the real window: a project's Redis database and the app's own lines about
// it, merged, each with its source and level; the container stopped from outside shows live; the
// level and source filters, the regular-expression search, pause and resume, and the export to a
// file through the native save dialog. Needs Docker and the local test images.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By, Key } from "selenium-webdriver";
import {
  addExpressDatasource,
  answerSaveDialog,
  byTestId,
  capture,
  openNewProject,
  removeContainerAndVolume,
  renderedText,
  replaceValue,
  startApp,
  testSettings,
  waitFor,
  waitForToast,
  waitUntilGone,
} from "./harness.mjs";

const TIMEOUT_MS = 20_000;
const READY_TIMEOUT_MS = 120_000;

let app;
let driver;
let datasourceName;
let exportDir;

before(async () => {
  exportDir = await mkdtemp(join(tmpdir(), "quantum-e2e-logs-"));
  app = await startApp({ settings: testSettings });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (datasourceName) removeContainerAndVolume(datasourceName);
  await rm(exportDir, { recursive: true, force: true });
});

async function click(testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

/** The lines on screen: source, level and text of each. */
const shownLines = () =>
  driver.executeScript(
    `return [...document.querySelectorAll('[data-testid="logs-line"]')].map((line) => ({
       source: line.querySelector('[data-testid="logs-line-source"]').textContent,
       level: line.querySelector('[data-testid="logs-line-level"]').dataset.level,
       text: line.querySelector('.logs-text').textContent,
     }));`,
  );

const waitForLine = (predicate, message) => {
  let last = [];
  return driver
    .wait(async () => (last = await shownLines()).some(predicate), TIMEOUT_MS)
    .catch((error) => {
      throw new Error(`${message}; on screen: ${JSON.stringify(last.slice(-15))}`, { cause: error });
    });
};

const selectOption = async (testId, value) => {
  await (await waitFor(driver, By.css(`[data-testid="${testId}"] option[value="${value}"]`), TIMEOUT_MS)).click();
};

test("a project's database and the app's lines about it are merged, filtered, searched, paused and saved", async () => {
  await openNewProject(driver, "logshop");
  datasourceName = await addExpressDatasource(driver, "redis", READY_TIMEOUT_MS);

  await click("project-logs-link");
  await waitFor(driver, By.css('[data-testid="logs-live"][data-live="true"]'), TIMEOUT_MS);
  // Redis's own start, with its level read from its `*` marker, and the app's line about it.
  await waitForLine((l) => l.source === datasourceName && l.level === "info" && /Ready to accept connections/.test(l.text), "Redis's start is shown");
  await waitForLine((l) => l.source === "Quantum Admin" && /datasource ready/.test(l.text), "the app's line about the database is shown");
  const sources = await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="logs-source"]\')].map((chip) => chip.dataset.sourceName);',
  );
  assert.deepEqual(sources, [datasourceName, "Test runs", "Quantum Admin"]);

  // Stopped from outside the app: Redis's goodbye comes live, as warnings (`#`).
  execFileSync("docker", ["stop", datasourceName], { timeout: TIMEOUT_MS });
  await waitForLine((l) => l.source === datasourceName && l.level === "warning" && /ready to exit, bye bye/.test(l.text), "the shutdown shows live");
  await capture(driver, "logs-merged");

  await selectOption("logs-level", "warning");
  await driver.wait(async () => {
    const lines = await shownLines();
    return lines.length > 0 && lines.every((l) => l.level === "warning" || l.level === "error");
  }, TIMEOUT_MS, "only warnings and errors are shown");
  await selectOption("logs-level", "all");
  await (await waitFor(driver, By.css('[data-testid="logs-source"][data-source-name="Quantum Admin"]'), TIMEOUT_MS)).click();
  await driver.wait(async () => {
    const lines = await shownLines();
    return lines.length > 0 && lines.every((l) => l.source !== "Quantum Admin");
  }, TIMEOUT_MS, "the app's lines are hidden");

  await click("log-search-regex");
  await replaceValue(driver, await waitFor(driver, byTestId("log-search-input"), TIMEOUT_MS), "bye\\s+bye");
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("log-match-count"), TIMEOUT_MS)), /^1 match/);
  await driver.wait(
    async () => (await driver.executeScript('return [...document.querySelectorAll(".log-match")].map((m) => m.textContent);')).includes("bye bye"),
    TIMEOUT_MS,
    "the match is highlighted",
  );
  await replaceValue(driver, await waitFor(driver, byTestId("log-search-input"), TIMEOUT_MS), "(unclosed");
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("log-search-error"), TIMEOUT_MS)), /^Not a regular expression/);
  // Escape clears the search.
  await (await waitFor(driver, byTestId("log-search-input"), TIMEOUT_MS)).sendKeys(Key.ESCAPE);
  await waitUntilGone(driver, byTestId("log-search-error"), "the search is cleared");

  // Paused, the restart's lines are held; resumed, they show.
  await click("log-pause");
  execFileSync("docker", ["start", datasourceName], { timeout: TIMEOUT_MS });
  await driver.wait(
    async () => /Paused · [1-9][\d,]* new lines? held/.test(await renderedText(driver, await waitFor(driver, byTestId("log-held"), TIMEOUT_MS))),
    TIMEOUT_MS,
    "new lines are held while paused",
  );
  const before = (await shownLines()).filter((l) => /Ready to accept connections/.test(l.text)).length;
  await click("log-pause");
  await driver.wait(
    async () => (await shownLines()).filter((l) => /Ready to accept connections/.test(l.text)).length > before,
    TIMEOUT_MS,
    "the held lines show on resume",
  );

  // The export holds what the filters show: the database's lines, without the app's.
  const path = join(exportDir, "logshop.log");
  await click("log-export");
  await answerSaveDialog("Save the log", path);
  await waitForToast(driver, "lines saved", TIMEOUT_MS);
  const saved = (await readFile(path, "utf8")).trim().split("\n");
  assert.ok(
    saved.some((line) => new RegExp(`^\\S+Z  ${datasourceName}  WARN  .*ready to exit, bye bye`).test(line)),
    saved.slice(-10).join("\n"),
  );
  assert.ok(!saved.some((line) => line.includes("  Quantum Admin  ")), "the hidden source is not saved");
});
