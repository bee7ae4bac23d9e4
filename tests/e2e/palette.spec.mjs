// The command palette in the real window: Ctrl+K from anywhere, a project's name, Enter.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { byTestId, capture, renderedText, startApp, waitFor, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;

let app;
let driver;

before(async () => {
  app = await startApp();
  driver = app.driver;
});

after(async () => {
  await app?.close();
});

async function pressPaletteShortcut() {
  await driver.actions().keyDown(Key.CONTROL).sendKeys("k").keyUp(Key.CONTROL).perform();
}

test("Ctrl+K, a project's name and Enter show that project's page", async () => {
  // A project to find, made through the form.
  await (await waitFor(driver, byTestId("nav-projects"), TIMEOUT_MS)).click();
  await (await waitFor(driver, byTestId("new-project-button"), TIMEOUT_MS)).click();
  await (await waitFor(driver, byTestId("project-name-input"), TIMEOUT_MS)).sendKeys("warehouse");
  await (await waitFor(driver, byTestId("project-form-submit"), TIMEOUT_MS)).click();
  await waitUntilGone(driver, byTestId("project-form-dialog"), "the form closes after creating");
  await (await waitFor(driver, byTestId("nav-dashboard"), TIMEOUT_MS)).click();
  await waitFor(driver, byTestId("dashboard-page"), TIMEOUT_MS);

  await pressPaletteShortcut();
  const input = await waitFor(driver, byTestId("palette-input"), TIMEOUT_MS);
  await driver.wait(
    () => driver.executeScript("return document.activeElement === arguments[0];", input),
    TIMEOUT_MS,
    "the search has the focus",
  );
  await input.sendKeys("wareh");
  const selected = By.css('[data-testid="palette-item"][aria-selected="true"]');
  await driver.wait(
    async () => (await (await driver.findElement(selected)).getAttribute("data-palette-id"))?.startsWith("project:"),
    TIMEOUT_MS,
    "the project is the first match, selected",
  );
  await capture(driver, "command-palette");
  await input.sendKeys(Key.ENTER);

  await waitUntilGone(driver, byTestId("command-palette"), "the palette closes");
  const page = await waitFor(driver, byTestId("project-details-page"), TIMEOUT_MS);
  await driver.wait(until.elementTextContains(page, "warehouse"), TIMEOUT_MS, "the project's page is shown");
  assert.match(await renderedText(driver, await driver.findElement(By.css("h1"))), /warehouse/);
});

test("Escape closes the palette where it was opened", async () => {
  await pressPaletteShortcut();
  const input = await waitFor(driver, byTestId("palette-input"), TIMEOUT_MS);
  await input.sendKeys(Key.ESCAPE);
  await waitUntilGone(driver, byTestId("command-palette"), "Esc closes the palette");
  await waitFor(driver, byTestId("project-details-page"), TIMEOUT_MS);
});
