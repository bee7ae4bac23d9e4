// The whole app through the real webview: one fresh data directory, one user's first session.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { byTestId, capture, renderedText, startApp, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;

const projectRow = (name) => By.css(`[data-testid="project-row"][data-project-name="${name}"]`);

let app;
let driver;

before(async () => {
  app = await startApp();
  driver = app.driver;
});

after(async () => {
  await app?.close();
});


async function goTo(navTestId, pageTestId) {
  await (await waitFor(driver, byTestId(navTestId), TIMEOUT_MS)).click();
  return waitFor(driver, byTestId(pageTestId), TIMEOUT_MS);
}

/** Replaces an input's value the way a user does, so React sees every keystroke. */
async function retype(input, text) {
  const current = await input.getAttribute("value");
  await input.sendKeys(Key.END, ...Array.from(current, () => Key.BACK_SPACE), text);
  await driver.wait(async () => (await input.getAttribute("value")) === text, TIMEOUT_MS, `the input reads “${text}”`);
}




async function submitProjectForm() {
  await (await waitFor(driver, byTestId("project-form-submit"), TIMEOUT_MS)).click();
}

test("the dashboard of a new installation invites to create a project", async () => {
  await waitFor(driver, byTestId("dashboard-page"), TIMEOUT_MS);
  const projectsCard = await waitFor(driver, byTestId("stat-projects"), TIMEOUT_MS);
  await driver.wait(until.elementTextContains(projectsCard, "0"), TIMEOUT_MS, "the projects card counts 0");
  await waitFor(driver, byTestId("dashboard-empty-state"), TIMEOUT_MS);
  await capture(driver, "dashboard");
});

test("a project created through the form appears in the list", async () => {
  await goTo("nav-projects", "projects-page");
  await waitFor(driver, byTestId("projects-empty-state"), TIMEOUT_MS);
  await (await waitFor(driver, byTestId("new-project-button"), TIMEOUT_MS)).click();

  await waitFor(driver, byTestId("project-form-dialog"), TIMEOUT_MS);
  await (await waitFor(driver, byTestId("project-name-input"), TIMEOUT_MS)).sendKeys("shop");
  await (await waitFor(driver, byTestId("project-description-input"), TIMEOUT_MS)).sendKeys("The online shop");
  await submitProjectForm();

  await waitUntilGone(driver, byTestId("project-form-dialog"), "the form closes after creating");
  await waitForToast(driver, "Project “shop” created");
  const row = await waitFor(driver, projectRow("shop"), TIMEOUT_MS);
  assert.match(await renderedText(driver, row), /The online shop/);
  await capture(driver, "projects");
});

test("renaming through the edit form shows the new name", async () => {
  const row = await waitFor(driver, projectRow("shop"), TIMEOUT_MS);
  await row.findElement(byTestId("project-edit-button")).click();

  const nameInput = await waitFor(driver, byTestId("project-name-input"), TIMEOUT_MS);
  assert.equal(await nameInput.getAttribute("value"), "shop", "the form is prefilled");
  await retype(nameInput, "storefront");
  await submitProjectForm();

  await waitUntilGone(driver, byTestId("project-form-dialog"), "the form closes after saving");
  await waitFor(driver, projectRow("storefront"), TIMEOUT_MS);
  await waitUntilGone(driver, projectRow("shop"), "the old name is gone from the list");
});

test("a name taken in another case is refused next to the name field", async () => {
  await (await waitFor(driver, byTestId("new-project-button"), TIMEOUT_MS)).click();
  const nameInput = await waitFor(driver, byTestId("project-name-input"), TIMEOUT_MS);
  await nameInput.sendKeys("Storefront");
  await submitProjectForm();

  const error = await waitFor(driver, byTestId("project-name-error"), TIMEOUT_MS);
  assert.notEqual((await error.getText()).trim(), "", "the error says what is wrong");
  assert.equal(await nameInput.getAttribute("aria-invalid"), "true");
  const describedBy = (await nameInput.getAttribute("aria-describedby")) ?? "";
  assert.ok(describedBy.split(" ").includes(await error.getAttribute("id")), "the input is described by the error");
  await capture(driver, "project-form-error");

  await nameInput.sendKeys(Key.ESCAPE);
  await waitUntilGone(driver, byTestId("project-form-dialog"), "Esc closes the form");
  const rows = await driver.findElements(byTestId("project-row"));
  assert.equal(rows.length, 1, "no second project was created");
});

test("the activity lists the rename above the creation", async () => {
  await goTo("nav-activity", "activity-page");
  await waitFor(driver, byTestId("activity-list"), TIMEOUT_MS);
  await driver.wait(
    async () => (await driver.findElements(byTestId("activity-summary"))).length >= 2,
    TIMEOUT_MS,
    "two entries are listed",
  );
  const summaries = await Promise.all(
    (await driver.findElements(byTestId("activity-summary"))).map((summary) => renderedText(driver, summary)),
  );
  assert.deepEqual(summaries.slice(0, 2), ["Renamed project “shop” to “storefront”", "Created project “shop”"]);
  await capture(driver, "activity");
});

test("the dark theme applies at once and is still there after a reload", async () => {
  await goTo("nav-settings", "settings-page");
  const dark = await waitFor(driver, byTestId("theme-option-dark"), TIMEOUT_MS);
  await dark.click();

  const themeIsDark = async () =>
    (await driver.executeScript("return document.documentElement.dataset.theme")) === "dark";
  await driver.wait(themeIsDark, TIMEOUT_MS, "the page turns dark");
  assert.equal(await dark.getAttribute("aria-checked"), "true");
  await capture(driver, "settings-dark");

  await driver.navigate().refresh();
  await waitFor(driver, byTestId("settings-page"), TIMEOUT_MS);
  await driver.wait(themeIsDark, TIMEOUT_MS, "the saved theme is applied on start");
});

test("Check now in a build without an update key says so calmly", async () => {
  await goTo("nav-settings", "settings-page");
  const check = await waitFor(driver, byTestId("update-check-now"), TIMEOUT_MS);
  await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' });", check);
  await check.click();
  // Which Docker Engine the app talks to, and what chose it, as the Docker CLI would.
  const docker = await waitFor(driver, byTestId("about-docker"), TIMEOUT_MS);
  await driver.wait(
    async () => /^Docker (at the default|from DOCKER_HOST:|from context) .*(unix|tcp|npipe):\/\//.test(await renderedText(driver, docker)),
    TIMEOUT_MS,
    "the Docker Engine's endpoint is named",
  );
  const result = await waitFor(driver, byTestId("update-check-result"), TIMEOUT_MS);
  assert.match(await renderedText(driver, result), /no update key/);
  await capture(driver, "settings-updates");
});

test("deleting the project through the confirmation leaves the empty state", async () => {
  await goTo("nav-projects", "projects-page");
  const row = await waitFor(driver, projectRow("storefront"), TIMEOUT_MS);
  await row.findElement(byTestId("project-delete-button")).click();

  const dialog = await waitFor(driver, byTestId("delete-project-dialog"), TIMEOUT_MS);
  assert.match(await dialog.getText(), /storefront/, "the confirmation names the project");
  await (await waitFor(driver, byTestId("delete-project-confirm"), TIMEOUT_MS)).click();

  await waitUntilGone(driver, byTestId("delete-project-dialog"), "the confirmation closes");
  await waitFor(driver, byTestId("projects-empty-state"), TIMEOUT_MS);
});
