// The dashboard in the real window, with real figures: Docker's version and the containers the
// engine holds (as `docker` itself counts them), the keychain, free disk; each project's quick
// actions; and the Docs entry, which asks for the documentation's address in Settings first.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { Key } from "selenium-webdriver";
import { byTestId, capture, openNewProject, renderedText, startApp, testSettings, waitFor, waitForToast } from "./harness.mjs";

const TIMEOUT_MS = 20_000;

let app;
let driver;

before(async () => {
  app = await startApp({ settings: testSettings });
  driver = app.driver;
});

after(async () => {
  await app?.close();
});

const docker = (...args) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const click = async (testId) => (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();

test("the dashboard shows this machine's Docker, keychain and disks, and what Docker holds", async () => {
  await openNewProject(driver, "storefront");
  await click("nav-dashboard");
  const engine = docker("version", "--format", "{{.Server.Version}}");
  const row = await waitFor(driver, byTestId("system-docker"), TIMEOUT_MS);
  await driver.wait(async () => (await renderedText(driver, row)).includes(`Docker Engine ${engine}`), TIMEOUT_MS, "the engine's version");
  assert.equal(await row.getAttribute("data-ok"), "true");
  assert.equal(await (await waitFor(driver, byTestId("system-secrets"), TIMEOUT_MS)).getAttribute("data-ok"), "true");
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("system-data-disk"), TIMEOUT_MS)), /\d+(\.\d)? [kMGT]?B free/);

  // The containers as `docker ps -a` counts them (none of this spec's own change it meanwhile).
  const all = docker("ps", "-aq").split("\n").filter(Boolean).length;
  const running = docker("ps", "-q").split("\n").filter(Boolean).length;
  const card = await waitFor(driver, byTestId("stat-docker"), TIMEOUT_MS);
  await driver.wait(async () => (await renderedText(driver, card)).includes(`${running} / ${all}`), TIMEOUT_MS, `${running} / ${all} containers`);
  // One line per tag: an image tagged twice is one image to Docker and to the dashboard.
  const images = new Set(docker("images", "-q").split("\n").filter(Boolean)).size;
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("stat-docker-counts"), TIMEOUT_MS)), new RegExp(`${images} images`));
  await capture(driver, "dashboard");
});

test("a project's quick actions start its stack and lead to its console and tests", async () => {
  const project = await waitFor(driver, byTestId("quick-actions-project"), TIMEOUT_MS);
  assert.equal(await project.getAttribute("data-project"), "storefront");
  await (await project.findElement(byTestId("quick-start-stack"))).click();
  await waitForToast(driver, "storefront: everything was running already", TIMEOUT_MS);
  await (await project.findElement(byTestId("quick-console"))).click();
  await waitFor(driver, byTestId("schema-page"), TIMEOUT_MS);
  assert.match(await driver.getCurrentUrl(), /\/projects\/\d+\/schema\?view=console$/);
});

test("Docs without an address leads to the Settings field for it", async () => {
  await click("nav-docs");
  const field = await waitFor(driver, byTestId("docs-url"), TIMEOUT_MS);
  await driver.wait(
    async () => (await driver.executeScript("return document.activeElement?.id")) === "docs-url",
    TIMEOUT_MS,
    "the field has the focus",
  );
  await field.sendKeys("ftp://wiki", Key.ENTER);
  await waitForToast(driver, "starting with https://", TIMEOUT_MS);
});
