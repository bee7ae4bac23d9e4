// Desktop notifications reach the desktop's notification service: a test run that finishes while
// the window is not in front is told through a real notification daemon (dunst, started by D-Bus
// activation on the session bus, as on a desktop), with its outcome and counts; one that finishes
// while the window is in front is not. Focus moves between the app and another window (xmessage)
// with xdotool (X input focus: there is no window manager under Xvfb); what dunst showed is read
// back with dunstctl. Needs dunst, xdotool and x11-utils (scripts/setup --for-tests installs them).
// A CI run of the folder's branch (on the local fake of GitHub's API) that finishes while the
// window is not in front is notified the same way.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By, until } from "selenium-webdriver";
import { startFakeCi } from "./fakeCi.mjs";
import { byTestId, clickUncovered, openNewProject, replaceValue, startApp, testSettings, waitFor } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 60_000;

// The first run passes (and leaves a marker), the next fails: the two notices differ.
const QUANTUM_TOML = `[project]
name = "notices"

[tests.toggle]
command = "sh -c 'sleep 1; if [ -e marker ]; then echo \\"test beta ... FAILED\\"; exit 101; else touch marker; echo \\"test alpha ... ok\\"; fi'"
format = "libtest"
`;

let app;
let driver;
let folder;
let fake;
/** Another application's window, to take the focus from the app's, as the user's editor would. */
let elsewhere;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-notices-"));
  await writeFile(join(folder, "quantum.toml"), QUANTUM_TOML);
  execFileSync("git", ["-C", folder, "init", "-q", "-b", "main"]);
  execFileSync("git", ["-C", folder, "remote", "add", "origin", "https://github.com/acme/shop.git"]);
  fake = await startFakeCi();
  app = await startApp({ settings: { ...testSettings, desktopNotifications: true } });
  driver = app.driver;
  elsewhere = spawn("xmessage", ["-name", "elsewhere", "-title", "Elsewhere", "-geometry", "+1250+820", "elsewhere"], { stdio: "ignore" });
});

after(async () => {
  elsewhere?.kill();
  await app?.close();
  await fake?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/**
 * Clicks once the button can be used: Run tests is drawn, disabled, while the suites load; and
 * once nothing is drawn over it (intercepted once under a loaded CI machine).
 */
async function click(testId) {
  const button = await waitFor(driver, byTestId(testId), TIMEOUT_MS);
  await driver.wait(until.elementIsEnabled(button), TIMEOUT_MS, `${testId} is enabled`);
  await clickUncovered(driver, button, TIMEOUT_MS);
}

const runStatus = () =>
  driver.executeScript('return document.querySelector(\'[data-testid="test-run-status"]\')?.dataset.status ?? null;');

/** The notifications dunst has shown so far, as [summary, body], oldest first (all of them each time). */
function shownNotifications() {
  let displayed;
  try {
    displayed = Number(execFileSync("dunstctl", ["count", "displayed"], { encoding: "utf8" }).trim());
  } catch {
    // dunst could not be reached (D-Bus starts it for the first call): nothing shown.
    return [];
  }
  // Closing moves the shown ones into the history, which dunstctl lists with their text.
  if (displayed > 0) execFileSync("dunstctl", ["close-all"]);
  const history = JSON.parse(execFileSync("dunstctl", ["history"], { encoding: "utf8" }));
  return history.data[0].map((n) => [n.summary.data, n.body.data]).reverse();
}

/** X input focus to the app's window (`true`) or to another application's (`false`). */
async function focusApp(inFront) {
  const name = inFront ? "^Quantum Admin$" : "^Elsewhere$";
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    try {
      const window = execFileSync("xdotool", ["search", "--onlyvisible", "--name", name], { encoding: "utf8" }).trim().split("\n")[0];
      execFileSync("xdotool", ["windowfocus", "--sync", window]);
      return;
    } catch (error) {
      // xdotool exits with 1 while no window matches (xmessage still starting).
      if (Date.now() > deadline) throw new Error(`no window named ${name} to focus`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const runEnds = (status) => driver.wait(async () => (await runStatus()) === status, RUN_TIMEOUT_MS, `the run ends ${status}`);

test("a run that ends while the window is not in front is notified with its outcome and counts; one in front is not", async () => {
  await openNewProject(driver, "notices", folder);
  await click("project-tests-link");
  await waitFor(driver, By.css('[data-testid="test-suite"][data-suite-name="toggle"]'), TIMEOUT_MS);

  await focusApp(true);
  await click("tests-run-all");
  await runEnds("passed");

  // The next run ends with the focus elsewhere, as when the user switched to their editor.
  await click("tests-run-all");
  await focusApp(false);
  await runEnds("failed");
  // Other specs share this display and session bus: only this project's notices count.
  let shown = [];
  await driver.wait(
    () => (shown = shownNotifications().filter(([summary]) => summary.endsWith("— notices"))).length > 0,
    TIMEOUT_MS,
    "a desktop notification is shown for the run that ended out of sight",
  );
  // Notices go out in the order the runs ended: had the first run been notified, it would be first.
  assert.deepEqual(shown, [["Tests failed — notices", "1 failed, 0 passed, 0 skipped"]]);
});

test("a CI run of the folder's branch that finishes while the window is not in front is notified", async () => {
  await focusApp(true);
  await click("project-ci-link");
  await (await waitFor(driver, By.css('[data-testid="ci-candidate"][data-path="acme/shop"]'), TIMEOUT_MS)).click();
  const apiUrl = await waitFor(driver, byTestId("ci-api-url"), TIMEOUT_MS);
  await replaceValue(driver, apiUrl, fake.url);
  await (await waitFor(driver, byTestId("ci-token"), TIMEOUT_MS)).sendKeys("gh-good");
  await click("ci-setup-save");
  // The watcher's first check has been made: what it saw then is not news.
  let strip = null;
  await driver
    .wait(
      async () =>
        (strip = await driver.executeScript(`
          const el = document.querySelector('[data-testid="ci-status"]');
          if (el) return { state: el.dataset.state, text: el.textContent };
          // Still on the set-up form: what it says (a refused token, a keychain error).
          const form = document.querySelector('[data-testid="ci-setup-error"], [data-testid="ci-token-error"]');
          const save = document.querySelector('[data-testid="ci-setup-save"]');
          return { state: null, error: form?.textContent ?? null, save: save?.textContent ?? null, page: document.querySelector("main")?.innerText.slice(0, 400) ?? null };
        `))?.state === "live",
      2 * TIMEOUT_MS,
    )
    .catch((error) => {
      throw new Error(`the CI page is not live: ${JSON.stringify(strip)}`, { cause: error });
    });
  const { id, run_number: number } = await fake.post("/_fake/github/runs", { workflow: "ci.yml", branch: "main" });
  const row = By.css(`[data-testid="ci-run-row"][data-run-id="${id}"]`);
  await waitFor(driver, row, TIMEOUT_MS);

  await focusApp(false);
  await fake.post(`/_fake/github/runs/${id}/state`, { status: "completed", conclusion: "failure" });
  let shown = [];
  await driver.wait(
    () => (shown = shownNotifications().filter(([summary]) => summary.startsWith("CI "))).length > 0,
    TIMEOUT_MS,
    "a desktop notification is shown for the CI run",
  );
  assert.equal(shown[0][0], "CI failed — notices");
  assert.match(shown[0][1], new RegExp(`^#${number} on main: `));
});
