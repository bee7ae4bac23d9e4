// A project's databases exported as a compose file from its overview: both files' changes shown,
// then compose.yaml written with the password as a variable, and .env holding it. Needs Docker and
// the local test images.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { byTestId, openNewProject, removeContainerAndVolume, renderedText, startApp, testSettings, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;

let app;
let driver;
let folder;
let name;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-compose-"));
  app = await startApp({ settings: testSettings });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (name) removeContainerAndVolume(name);
  await rm(folder, { recursive: true, force: true });
});

const click = async (testId) => (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();

test("the databases are exported as compose.yaml, their passwords into .env", async () => {
  await openNewProject(driver, "composeshop", folder);
  await click("add-datasource-button");
  await click("engine-option-postgres");
  await click("datasource-mode-express");
  await click("datasource-create-submit");
  await waitUntilGone(driver, byTestId("add-datasource-dialog"), "the form closes once the database is recorded");
  name = await renderedText(driver, await waitFor(driver, byTestId("datasource-name"), TIMEOUT_MS));

  await click("compose-export-button");
  const files = await driver.wait(async () => {
    const found = await driver.findElements(byTestId("compose-export-file"));
    return found.length === 2 ? found : null;
  }, READY_TIMEOUT_MS, "both files' changes are shown");
  assert.match(await renderedText(driver, files[0]), /compose\.yaml \(new file\)/);
  assert.match(await renderedText(driver, files[1]), /PASSWORD=["']?••••••/);
  await click("compose-export-write");
  await waitForToast(driver, "Wrote", TIMEOUT_MS);

  const variable = `${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_PASSWORD`;
  const compose = await readFile(join(folder, "compose.yaml"), "utf8");
  assert.match(compose, new RegExp(`POSTGRES_PASSWORD: "?\\$\\{${variable}\\}`));
  const env = await readFile(join(folder, ".env"), "utf8");
  assert.match(env, new RegExp(`^${variable}=`, "m"));
  assert.ok(!env.includes("••••••"), ".env gets the real password");
});
