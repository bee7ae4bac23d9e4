// Test runs in the real window: a project on a copy of the Go fixture (tests/fixtures/testruns/go),
// its suite found, run with the output streaming into the terminal and the counts arriving, the
// failure opened with its message and file:line, "Rerun failed" running that test alone, and the
// history with both runs and the trend; then the found suite taken over in quantum.toml with another
// command, run as declared, and removed again. Needs Go (scripts/setup --for-tests installs it).
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { byTestId, capture, openNewProject, renderedText, replaceValue, startApp, waitFor, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 120_000;

let app;
let driver;
let folder;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-tests-"));
  await cp(join(import.meta.dirname, "../fixtures/testruns/go"), folder, { recursive: true });
  app = await startApp();
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function click(testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

const runStatus = () =>
  driver.executeScript('return document.querySelector(\'[data-testid="test-run-status"]\')?.dataset.status ?? null;');

test("a suite runs with live output, a failure is opened, the failures rerun, and the history shows both", async () => {
  await openNewProject(driver, "gadgets", folder);
  await click("project-tests-link");

  const suite = await waitFor(driver, By.css('[data-testid="test-suite"][data-suite-name="go"]'), TIMEOUT_MS);
  assert.match(await renderedText(driver, suite), /go test \.\/\.\.\./);

  await click("tests-run-all");
  // Streams: the terminal shows go test's output while the run is still under way (the fixture's
  // slow test keeps it running), read in one look at the page.
  await driver.wait(
    async () => {
      const [status, text] = await driver.executeScript(
        'return [document.querySelector(\'[data-testid="test-run-status"]\')?.dataset.status, document.querySelector(\'[data-testid="test-terminal"] .xterm-rows\')?.innerText ?? ""];',
      );
      return status === "running" && text.includes("RUN");
    },
    RUN_TIMEOUT_MS,
    "go test's output reaches the terminal while the run is under way",
  );
  await driver.wait(async () => (await runStatus()) === "failed", RUN_TIMEOUT_MS, "the run ends failed");
  assert.match(await renderedText(driver, await driver.findElement(byTestId("test-counts"))), /4 passed\s+1 failed\s+1 skipped/);
  await capture(driver, "tests-run");

  const failure = await waitFor(driver, By.css('[data-testid="test-tree-test"][data-test-name="TestBreaks"]'), TIMEOUT_MS);
  assert.equal(await failure.getAttribute("data-status"), "failed");
  await failure.click();
  const message = await waitFor(driver, byTestId("test-detail-message"), TIMEOUT_MS);
  assert.match(await renderedText(driver, message), /arithmetic: got 4, want 5/);
  const place = await waitFor(driver, byTestId("test-place"), TIMEOUT_MS);
  assert.match(await renderedText(driver, place), /math_test\.go:\d+/);
  await capture(driver, "tests-failure");

  await click("tests-rerun-failed");
  await driver.wait(async () => (await runStatus()) === "running", RUN_TIMEOUT_MS, "the rerun starts");
  await driver.wait(async () => (await runStatus()) === "failed", RUN_TIMEOUT_MS, "the rerun ends, TestBreaks failing again");
  const ran = await driver.findElements(byTestId("test-tree-test"));
  assert.deepEqual(await Promise.all(ran.map((row) => row.getAttribute("data-test-name"))), ["TestBreaks"], "only the failure ran again");

  await driver.wait(async () => (await driver.findElements(byTestId("test-run-row"))).length === 2, TIMEOUT_MS, "both runs are in the history");
  const rows = await driver.findElements(byTestId("test-run-row"));
  assert.match(await renderedText(driver, rows[0]), /rerun failed/);
  assert.match(await renderedText(driver, rows[1]), /4 passed, 1 failed, 1 skipped/);
  const trend = await waitFor(driver, byTestId("test-trend"), TIMEOUT_MS);
  assert.ok((await trend.findElements(By.css("canvas"))).length > 0, "the trend is drawn");

  // The failure's recent outcomes: failed in both runs.
  await (await waitFor(driver, By.css('[data-testid="test-tree-test"][data-test-name="TestBreaks"]'), TIMEOUT_MS)).click();
  await driver.wait(
    async () => (await driver.findElements(By.css('[data-testid="test-strip"] .test-strip-failed'))).length === 2,
    TIMEOUT_MS,
    "the strip shows TestBreaks failing twice",
  );

  // Compare the two runs: TestBreaks still fails, nothing newly fails.
  for (const row of await driver.findElements(byTestId("test-run-row"))) await (await row.findElement(By.css('input[type="checkbox"]'))).click();
  await click("test-compare");
  const stillFailing = await waitFor(driver, byTestId("compare-still-failing"), TIMEOUT_MS);
  assert.match(await renderedText(driver, stillFailing), /TestBreaks/);
  assert.equal((await driver.findElements(byTestId("compare-new-failures"))).length, 0);
  await capture(driver, "tests-compare");
  await (await driver.findElement(By.css('[data-testid="test-compare-dialog"] button[aria-label="Close"]'))).click();
  await waitUntilGone(driver, byTestId("test-compare-dialog"), "the comparison closes");

  // An older run's results come back from the history.
  await (await rows[1].findElement(byTestId("test-run-show"))).click();
  await driver.wait(async () => (await driver.findElements(byTestId("test-tree-test"))).length === 6, TIMEOUT_MS, "the first run's six tests");
  await capture(driver, "tests-history");
});

test("a found suite is declared in quantum.toml with another command, runs as declared, and is removed", async () => {
  const suiteRow = By.css('[data-testid="test-suite"][data-suite-name="go"]');
  await (await (await waitFor(driver, suiteRow, TIMEOUT_MS)).findElement(byTestId("suite-edit"))).click();
  const command = await waitFor(driver, byTestId("suite-command"), TIMEOUT_MS);
  assert.equal(await command.getAttribute("value"), "go test ./...");
  await replaceValue(driver, command, "go test -run 'TestAdds|TestSlow' ./...");
  await click("suite-save");
  await waitUntilGone(driver, byTestId("suite-dialog"), "the suite dialog closes once saved");
  await driver.wait(
    async () => /from quantum\.toml[\s\S]*go test -run 'TestAdds\|TestSlow'/.test(await renderedText(driver, await driver.findElement(suiteRow))),
    TIMEOUT_MS,
    "the suite is now the declared one",
  );
  const toml = await readFile(join(folder, "quantum.toml"), "utf8");
  assert.match(toml, /\[tests\.go\]\ncommand = "go test -run 'TestAdds\|TestSlow' \.\/\.\.\."/);

  await (await driver.findElement(suiteRow).findElement(byTestId("test-suite-run"))).click();
  await driver.wait(async () => (await runStatus()) === "running", RUN_TIMEOUT_MS, "the declared suite starts");
  await driver.wait(async () => (await runStatus()) === "passed", RUN_TIMEOUT_MS, "the two chosen tests pass");
  assert.match(await renderedText(driver, await driver.findElement(byTestId("test-counts"))), /2 passed\s+0 failed/);

  await (await driver.findElement(suiteRow).findElement(byTestId("suite-remove"))).click();
  await click("suite-remove-run");
  await driver.wait(
    async () => /found in the folder/.test(await renderedText(driver, await driver.findElement(suiteRow))),
    TIMEOUT_MS,
    "the found suite is back",
  );
  assert.doesNotMatch(await readFile(join(folder, "quantum.toml"), "utf8"), /\[tests\.go\]/);
});
