// A project's folder scanned on its Overview: what it holds is listed with the section that acts
// on it, and a file added in the folder shows without a refresh (the core's watcher).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { byTestId, openNewProject, renderedText, startApp, waitFor } from "./harness.mjs";

const TIMEOUT_MS = 15_000;

let app;
let driver;
let folder;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-scan-"));
  await writeFile(join(folder, "package.json"), JSON.stringify({ dependencies: { react: "18" }, devDependencies: { vitest: "1" }, scripts: { test: "vitest run" } }));
  await writeFile(join(folder, "package-lock.json"), "{}");
  await mkdir(join(folder, "src"));
  await writeFile(join(folder, "src", "main.ts"), "export {};\n");
  await mkdir(join(folder, "migrations"));
  await writeFile(join(folder, "migrations", "20240101000000_init.up.sql"), "CREATE TABLE t (id int);\n");
  await writeFile(join(folder, "migrations", "20240101000000_init.down.sql"), "DROP TABLE t;\n");
  execFileSync("git", ["-C", folder, "init", "-q", "-b", "trunk"]);
  app = await startApp();
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const texts = async (testId) => Promise.all((await driver.findElements(byTestId(testId))).map((element) => renderedText(driver, element)));

test("the overview lists what the folder holds, and a compose file added shows by itself", async () => {
  await openNewProject(driver, "scanned", folder);
  await waitFor(driver, byTestId("project-scan"), TIMEOUT_MS);
  assert.deepEqual(await texts("scan-framework"), ["React", "Vitest"]);
  assert.deepEqual(await texts("scan-migration-folder"), ["migrations sqlx"]);
  assert.equal(await renderedText(driver, await waitFor(driver, byTestId("scan-git-branch"), TIMEOUT_MS)), "trunk");
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("scan-tests"), TIMEOUT_MS)), /vitest/);
  const link = await waitFor(driver, By.css('[data-testid="scan-migrations"] a'), TIMEOUT_MS);
  assert.match(await link.getAttribute("href"), /\/projects\/\d+\/migrations$/);

  await writeFile(join(folder, "compose.yaml"), "services: {}\n");
  await driver.wait(async () => (await texts("scan-container-file")).includes("compose.yaml"), TIMEOUT_MS, "the compose file shows without a refresh");
});
