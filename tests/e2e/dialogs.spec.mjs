// The native file dialogs (GTK under Xvfb), driven with xdotool as a user would: the window is
// found by its title, focused, and answered by typing a path and Enter.
// The save dialog is not driven here: under Xvfb, typing a name and Enter did not close rfd's GTK
// save dialog (the same keys close its open and folder dialogs), so the save flows (Browse for a
// file to write, a typed path confirmed or cancelled) are covered by src-tauri/tests/ipc.rs and
// the Vitest specs instead.
// Needs xdotool.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { byTestId, renderedText, startApp, waitFor, waitUntilGone } from "./harness.mjs";

const run = promisify(execFile);
const TIMEOUT_MS = 15_000;
const PASSPHRASE = "correct horse battery staple";

let app;
let driver;
let projectFolder;
let elsewhere;

before(async () => {
  projectFolder = await mkdtemp(join(tmpdir(), "quantum-e2e-picked-"));
  elsewhere = await mkdtemp(join(tmpdir(), "quantum-e2e-elsewhere-"));
  app = await startApp();
  driver = app.driver;
});

after(async () => {
  await app?.close();
  for (const dir of [projectFolder, elsewhere]) if (dir) await rm(dir, { recursive: true, force: true });
});

async function click(testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

async function type(testId, text) {
  const input = await waitFor(driver, byTestId(testId), TIMEOUT_MS);
  await input.sendKeys(text);
  await driver.wait(async () => (await input.getAttribute("value")) === text, TIMEOUT_MS, `the input reads “${text}”`);
}

async function valueBecomes(testId, expected) {
  const input = await waitFor(driver, byTestId(testId), TIMEOUT_MS);
  await driver.wait(async () => (await input.getAttribute("value")) === expected, TIMEOUT_MS, `${testId} reads “${expected}”`);
}

const exists = (path) => stat(path).then(() => true, () => false);

/**
 * Answers the native dialog titled `title` once it is shown: `path` typed and Enter (a full path
 * in an open or folder dialog, where typing "/" opens the location field; a file name in a save
 * dialog, replacing the name field's text), `"accept"` for Enter on what it holds, `"cancel"` for
 * Escape.
 */
async function answerDialog(title, answer) {
  const { stdout } = await run("xdotool", ["search", "--sync", "--onlyvisible", "--name", `^${title}$`], {
    timeout: TIMEOUT_MS,
  });
  const window = stdout.trim().split("\n")[0];
  await run("xdotool", ["windowfocus", "--sync", window]);
  if (answer === "cancel") return run("xdotool", ["key", "--clearmodifiers", "Escape"]);
  if (answer !== "accept") {
    await run("xdotool", ["key", "--clearmodifiers", "ctrl+a"]);
    // Typed at a person's pace: GTK's location entry completes as it goes.
    await run("xdotool", ["type", "--clearmodifiers", "--delay", "50", answer.path]);
  }
  return run("xdotool", ["key", "--clearmodifiers", "Return"]);
}

test("the project folder is chosen in the native folder dialog", async () => {
  await click("nav-projects");
  await click("new-project-button");
  await type("project-name-input", "picked");
  await click("project-folder-input-browse");
  await answerDialog("Choose the project's folder", { path: projectFolder });
  await valueBecomes("project-folder-input", projectFolder);
  await click("project-form-submit");
  await waitUntilGone(driver, byTestId("project-form-dialog"), "the project form closes");
  const row = await waitFor(driver, By.css('[data-testid="project-row"][data-project-name="picked"]'), TIMEOUT_MS);
  await row.findElement(byTestId("project-name-link")).click();
  await click("project-environment-link");
  await waitFor(driver, byTestId("environment-page"), TIMEOUT_MS);
});

test("a .env file to import is chosen in the open dialog", async () => {
  const dotenv = join(elsewhere, "import.env");
  await writeFile(dotenv, "PICKED_SETTING=from-the-dialog\n");
  await click("add-environment-button");
  await type("environment-name-input", "dev");
  await click("add-environment-submit");
  await waitUntilGone(driver, byTestId("add-environment-dialog"), "the environment form closes");

  await click("import-dotenv-button");
  const input = await waitFor(driver, byTestId("import-path-input"), TIMEOUT_MS);
  await input.clear();
  await click("import-path-input-browse");
  await answerDialog("Choose the .env file to import", { path: dotenv });
  await valueBecomes("import-path-input", dotenv);
  await click("import-read");
  const entry = await waitFor(driver, By.css('[data-testid="import-entry"][data-name="PICKED_SETTING"]'), TIMEOUT_MS);
  assert.match(await renderedText(driver, entry), /from-the-dialog/);
  await click("import-submit");
  await waitUntilGone(driver, byTestId("import-dotenv-dialog"), "the import closes once done");
  await waitFor(driver, By.css('[data-testid="variable-row"][data-variable-name="PICKED_SETTING"]'), TIMEOUT_MS);
});

test("a typed path inside the project folder is written without a dialog", async () => {
  const inside = join(projectFolder, "inside.qabundle");
  await click("export-bundle-button");
  await type("bundle-path-input", inside);
  await type("bundle-passphrase-input", PASSPHRASE);
  await type("bundle-confirmation-input", PASSPHRASE);
  await click("export-bundle-submit");
  await waitUntilGone(driver, byTestId("export-bundle-dialog"), "the export closes once written");
  assert.ok(await exists(inside));
});
