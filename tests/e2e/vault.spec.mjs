// Where no keychain can be used, the app says so and keeps secrets in an encrypted vault the user
// sets up; nothing falls back to plain text. QUANTUM_SECRET_STORE=vault makes the app act as on a
// machine without a Secret Service.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { byTestId, renderedText, startApp, waitFor, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const SECRET_VALUE = `vault-e2e-${randomBytes(12).toString("hex")}`;
const PASSPHRASE = "correct horse battery staple";

let app;
let driver;

before(async () => {
  app = await startApp({ env: { QUANTUM_SECRET_STORE: "vault" } });
  driver = app.driver;
});

after(async () => {
  await app?.close();
});

async function click(testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

async function type(testId, text) {
  const input = await waitFor(driver, byTestId(testId), TIMEOUT_MS);
  await input.sendKeys(text);
  await driver.wait(async () => (await input.getAttribute("value")) === text, TIMEOUT_MS, `the input reads “${text}”`);
}

test("without a keychain the Environment page says so and offers a vault", async () => {
  await click("nav-projects");
  await click("new-project-button");
  await type("project-name-input", "vaulted");
  await click("project-form-submit");
  await waitUntilGone(driver, byTestId("project-form-dialog"), "the project form closes");
  const row = await waitFor(driver, By.css('[data-testid="project-row"][data-project-name="vaulted"]'), TIMEOUT_MS);
  await row.findElement(byTestId("project-name-link")).click();
  await click("project-environment-link");

  const notice = await waitFor(driver, byTestId("secret-store-notice"), TIMEOUT_MS);
  assert.equal(await notice.getAttribute("data-fix"), "createVault");
  assert.match(await renderedText(driver, notice), /No system keychain/);
});

test("a vault set up with a passphrase keeps a secret, encrypted, and the notice goes", async () => {
  await click("vault-setup-button");
  await type("vault-passphrase-input", PASSPHRASE);
  await type("vault-confirmation-input", PASSPHRASE);
  await click("vault-setup-submit");
  await waitUntilGone(driver, byTestId("secret-store-notice"), "the notice goes once the vault is ready");

  await click("add-environment-button");
  await type("environment-name-input", "dev");
  await click("add-environment-submit");
  await waitUntilGone(driver, byTestId("add-environment-dialog"), "the environment form closes");
  await click("add-variable-button");
  await type("variable-name-input", "API_TOKEN");
  await click("variable-kind-secret");
  await type("variable-value-input", SECRET_VALUE);
  await click("variable-form-submit");
  await waitUntilGone(driver, byTestId("variable-form-dialog"), "the secret is saved");
  const secret = await waitFor(driver, By.css('[data-testid="variable-row"][data-variable-name="API_TOKEN"]'), TIMEOUT_MS);
  assert.equal(await renderedText(driver, await secret.findElement(byTestId("variable-value"))), "••••••");

  const files = await readdir(app.dataDir, { recursive: true });
  assert.ok(files.includes("vault.qav"), `the vault file is in the data dir: ${files.join(", ")}`);
  for (const file of files) {
    const bytes = await readFile(join(app.dataDir, file)).catch(() => Buffer.alloc(0));
    assert.ok(!bytes.includes(SECRET_VALUE), `${file} does not hold the secret in clear`);
  }
});
