// A project's environment, end to end: an environment, a secret kept in the keychain (masked,
// revealed on request, the reveal audited by name only), and a plain variable written to the
// project's quantum.toml, which never holds the secret's value.
// Needs a Secret Service (scripts/with-test-session starts GNOME Keyring) and xclip.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { byTestId, capture, renderedText, startApp, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
/** A value no page, file or log could hold by chance. */
const SECRET_VALUE = `e2e-${randomBytes(12).toString("hex")}`;

const projectRow = (name) => By.css(`[data-testid="project-row"][data-project-name="${name}"]`);
const variableRow = (name) => By.css(`[data-testid="variable-row"][data-variable-name="${name}"]`);

let app;
let driver;
let projectFolder;

before(async () => {
  projectFolder = await mkdtemp(join(tmpdir(), "quantum-e2e-project-"));
  app = await startApp();
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (projectFolder) await rm(projectFolder, { recursive: true, force: true });
});

async function click(testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

async function type(testId, text) {
  const input = await waitFor(driver, byTestId(testId), TIMEOUT_MS);
  await input.sendKeys(text);
  await driver.wait(async () => (await input.getAttribute("value")) === text, TIMEOUT_MS, `the input reads “${text}”`);
}

/** Everything the page holds: its visible text and its markup, attributes and input values included. */
async function pageHoldsSecret() {
  const text = await driver.executeScript("return document.body.innerText;");
  const markup = await driver.executeScript(
    "return document.documentElement.outerHTML + Array.from(document.querySelectorAll('input, textarea'), (e) => e.value).join(' ');",
  );
  return text.includes(SECRET_VALUE) || markup.includes(SECRET_VALUE);
}

/** The file's text once `ready` holds for it, or a failure naming what was awaited. */
async function waitForFile(path, ready, what) {
  let text = "";
  await driver.wait(
    async () => {
      text = await readFile(path, "utf8").catch(() => "");
      return ready(text);
    },
    TIMEOUT_MS,
    what,
  );
  return text;
}

test("a project with a folder opens on its environment page", async () => {
  await click("nav-projects");
  await click("new-project-button");
  await type("project-name-input", "payments");
  await type("project-folder-input", projectFolder);
  await click("project-form-submit");
  await waitUntilGone(driver, byTestId("project-form-dialog"), "the project form closes");
  await (await waitFor(driver, projectRow("payments"), TIMEOUT_MS)).findElement(byTestId("project-name-link")).click();

  await click("project-environment-link");
  await waitFor(driver, byTestId("environment-page"), TIMEOUT_MS);
  await waitFor(driver, byTestId("variables-empty"), TIMEOUT_MS);
});

test("an environment “dev” is added and shown", async () => {
  await click("add-environment-button");
  await type("environment-name-input", "dev");
  await click("add-environment-submit");
  await waitUntilGone(driver, byTestId("add-environment-dialog"), "the environment form closes");
  const tab = await waitFor(driver, byTestId("environment-tab-dev"), TIMEOUT_MS);
  await driver.wait(async () => (await tab.getAttribute("aria-selected")) === "true", TIMEOUT_MS, "the dev tab is shown");
});

test("a secret is masked, with nothing of its value in the page", async () => {
  await click("add-variable-button");
  await waitFor(driver, byTestId("variable-form-dialog"), TIMEOUT_MS);
  await type("variable-name-input", "API_TOKEN");
  await click("variable-kind-secret");
  await type("variable-value-input", SECRET_VALUE);
  await click("variable-form-submit");
  await waitUntilGone(driver, byTestId("variable-form-dialog"), "the variable form closes once the secret is saved");

  const row = await waitFor(driver, variableRow("API_TOKEN"), TIMEOUT_MS);
  assert.equal(await row.getAttribute("data-kind"), "secret");
  const value = await row.findElement(byTestId("variable-value"));
  assert.equal(await renderedText(driver, value), "••••••");
  assert.equal(await pageHoldsSecret(), false, "the secret's value is nowhere in the page");
  await capture(driver, "environment-secret-masked");
});

test("Reveal shows the value in this view", async () => {
  const row = await waitFor(driver, variableRow("API_TOKEN"), TIMEOUT_MS);
  await row.findElement(byTestId("secret-reveal")).click();
  const shown = await waitFor(driver, By.css('[data-variable-name="API_TOKEN"] [data-revealed="true"]'), TIMEOUT_MS);
  assert.equal(await renderedText(driver, shown), SECRET_VALUE);

  await row.findElement(byTestId("secret-reveal")).click();
  await waitUntilGone(driver, By.css('[data-variable-name="API_TOKEN"] [data-revealed="true"]'), "Hide masks it again");
  assert.equal(await pageHoldsSecret(), false, "hidden again, the value is gone from the page");
});

test("a plain variable goes to quantum.toml; the secret's value does not", async () => {
  await click("add-variable-button");
  await waitFor(driver, byTestId("variable-form-dialog"), TIMEOUT_MS);
  await type("variable-name-input", "LOG_LEVEL");
  await type("variable-value-input", "debug");
  await click("variable-form-submit");
  await waitUntilGone(driver, byTestId("variable-form-dialog"), "the variable form closes once the variable is saved");
  const row = await waitFor(driver, variableRow("LOG_LEVEL"), TIMEOUT_MS);
  assert.equal(await renderedText(driver, await row.findElement(byTestId("variable-value"))), "debug");

  const config = await waitForFile(
    join(projectFolder, "quantum.toml"),
    (text) => /LOG_LEVEL\s*=\s*"debug"/.test(text),
    "quantum.toml holds LOG_LEVEL = \"debug\"",
  );
  assert.match(config, /API_TOKEN/, "the secret is named in the file");
  assert.ok(!config.includes(SECRET_VALUE), "the secret's value is not in the file");
});

test("the activity records the reveal by name, without the value", async () => {
  await click("nav-activity");
  await waitFor(driver, byTestId("activity-list"), TIMEOUT_MS);
  const reveal = await waitFor(driver, By.css('[data-testid="activity-row"][data-action="secret.reveal"]'), TIMEOUT_MS);
  assert.match(await renderedText(driver, reveal), /API_TOKEN/);

  await reveal.findElement(By.css("button")).click();
  await waitFor(driver, byTestId("audit-entry-details"), TIMEOUT_MS);
  assert.equal(await pageHoldsSecret(), false, "neither the entry nor its details hold the value");
  await capture(driver, "activity-secret-reveal");
});

test("Copy puts the secret on the clipboard from Rust, and says so", async () => {
  await driver.navigate().back();
  await waitFor(driver, byTestId("environment-page"), TIMEOUT_MS);
  const row = await waitFor(driver, variableRow("API_TOKEN"), TIMEOUT_MS);
  await row.findElement(byTestId("secret-copy")).click();
  await waitForToast(driver, "Copied — the clipboard holds a secret");
  const clipboard = execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8" });
  assert.equal(clipboard, SECRET_VALUE, "the clipboard holds the secret's value");
  assert.equal(await pageHoldsSecret(), false, "copying does not bring the value into the page");
});

test("after all that, no file of the app holds the secret's value", async () => {
  const files = await readdir(app.dataDir, { recursive: true });
  assert.ok(files.some((file) => file.endsWith(".log")), `the app wrote its log: ${files.join(", ")}`);
  for (const file of [...files.map((f) => join(app.dataDir, f)), join(projectFolder, "quantum.toml")]) {
    const bytes = await readFile(file).catch(() => Buffer.alloc(0));
    assert.ok(!bytes.includes(SECRET_VALUE), `${file} does not hold the secret`);
  }
});
