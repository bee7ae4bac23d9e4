// A project's databases exported as a compose file from its overview: both files' changes shown,
// then compose.yaml written with the password as a variable, and .env holding it. Then another
// project's compose file imported from its overview's scan: the plan shown, the password written in
// the file moved to .env as asked, and the database made, ready. Needs Docker and the local test
// images.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { byTestId, openNewProject, removeContainerAndVolume, renderedText, startApp, testSettings, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;

let app;
let driver;
let folder;
let name;
let imported;
let importFolder;
const composeProject = `e2eimport${process.pid}`;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-compose-"));
  app = await startApp({ settings: testSettings });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (name) removeContainerAndVolume(name);
  if (imported) removeContainerAndVolume(imported);
  // The imported database's data is the compose project's volume.
  try {
    execFileSync("docker", ["volume", "rm", "-f", `${composeProject}_data`], { stdio: "ignore" });
  } catch {
    // Never made.
  }
  await rm(folder, { recursive: true, force: true });
  if (importFolder) await rm(importFolder, { recursive: true, force: true });
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

const COMPOSE = `services:
  db:
    image: \${PG_IMAGE}
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: written-in-the-file
    volumes: [data:/var/lib/postgresql/data]
  web:
    build: ./web
volumes:
  data: {}
`;

test("a compose file's database is imported from the scan, its password moved to .env", async () => {
  importFolder = await mkdtemp(join(tmpdir(), "quantum-e2e-compose-import-"));
  await mkdir(join(importFolder, "web"));
  await writeFile(join(importFolder, "compose.yaml"), COMPOSE);
  await writeFile(join(importFolder, ".env"), `COMPOSE_PROJECT_NAME=${composeProject}\nPG_IMAGE=${testSettings.engineImages.postgres}\n`);
  await openNewProject(driver, "importshop", importFolder);

  await click("scan-compose-import");
  const service = await waitFor(driver, By.css('[data-testid="compose-import-service"][data-service="db"]'), READY_TIMEOUT_MS);
  const plan = await renderedText(driver, service);
  assert.match(plan, /db\s+→\s+importshop-db/);
  assert.match(plan, /PostgreSQL 15/);
  assert.match(plan, /written in the file \(POSTGRES_PASSWORD\): moved to the keychain/);
  assert.match(plan, new RegExp(`volume ${composeProject}_data \\(new: nothing there yet\\)`));
  assert.match(await renderedText(driver, await driver.findElement(byTestId("compose-import-others"))), /web\s+Built from \.\/web/);

  await click("compose-import-replace");
  const rewrites = await driver.wait(async () => {
    const found = await driver.findElements(byTestId("compose-import-rewrite"));
    return found.length === 2 ? found : null;
  }, TIMEOUT_MS, "the .env and compose.yaml changes are shown");
  for (const rewrite of rewrites) assert.doesNotMatch(await renderedText(driver, rewrite), /written-in-the-file/, "the password is masked");
  await click("compose-import-apply");
  await waitForToast(driver, "Imported 1 database", TIMEOUT_MS);
  imported = "importshop-db";

  await driver.wait(
    async () => {
      try {
        for (const item of await driver.findElements(byTestId("datasource-item"))) {
          if (!(await renderedText(driver, item)).includes(imported)) continue;
          const badge = await item.findElements(byTestId("datasource-status"));
          if (badge.length && (await badge[0].getAttribute("data-status")) === "ready") return true;
        }
      } catch (error) {
        // React replaced a row while it was read: look again.
        if (error.name !== "StaleElementReferenceError") throw error;
      }
      return false;
    },
    READY_TIMEOUT_MS,
    "the imported database is ready",
  );
  const compose = await readFile(join(importFolder, "compose.yaml"), "utf8");
  assert.match(compose, /POSTGRES_PASSWORD: \$\{DB_PASSWORD\}/);
  assert.match(await readFile(join(importFolder, ".env"), "utf8"), /^DB_PASSWORD=written-in-the-file$/m);
});
