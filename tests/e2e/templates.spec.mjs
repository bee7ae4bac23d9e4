// A new project from a template in the real window: the Blank template with a PostgreSQL database,
// into a folder that already holds a file. The folder is refused until "write into it anyway" is
// ticked; the files it will write are listed with their text; then the project opens, its files
// are on disk beside the user's, and its declared database becomes ready. Needs Docker and the
// local test images.
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { byTestId, capture, removeContainerAndVolume, renderedText, startApp, testSettings, waitFor, waitForToast } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;

let app;
let driver;
let folder;
const name = `Tpl ${process.pid}`;
const datasource = `tpl-${process.pid}-db`;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-template-"));
  await writeFile(join(folder, "notes.txt"), "mine\n");
  app = await startApp({ settings: testSettings });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  removeContainerAndVolume(datasource);
  await rm(folder, { recursive: true, force: true });
});

const click = async (testId) => (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
const enabled = async (testId) => (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).isEnabled();

test("a project made from a template shows its files first, keeps the folder's own, and gets its database", async () => {
  await click("nav-projects");
  await click("new-from-template-button");
  const blank = By.xpath('//*[@data-testid="template-item"][contains(., "Blank")]');
  await (await waitFor(driver, blank, TIMEOUT_MS)).click();
  await (await waitFor(driver, byTestId("template-name-input"), TIMEOUT_MS)).sendKeys(name);
  await (await waitFor(driver, byTestId("template-folder-input"), TIMEOUT_MS)).sendKeys(folder);
  const database = await waitFor(driver, byTestId("template-option-database"), TIMEOUT_MS);
  await database.findElement(By.css('option[value="postgres"]')).click();

  // The folder holds notes.txt: said so, and nothing can be written until the user agrees.
  await waitFor(driver, byTestId("template-folder-not-empty"), TIMEOUT_MS);
  assert.equal(await enabled("template-create-button"), false, "Create waits for the user's consent");

  // The files, quantum.toml's text among them, declaring the chosen engine.
  const files = await driver.wait(async () => {
    const found = await driver.findElements(byTestId("template-file"));
    return found.length > 0 ? found : null;
  }, TIMEOUT_MS, "the files are listed");
  const paths = await Promise.all(files.map((file) => renderedText(driver, file)));
  assert.ok(paths.some((path) => path.startsWith("quantum.toml")), paths.join(", "));
  assert.ok(paths.some((path) => path.startsWith("migrations/")), "a SQL database gets its first migration");
  const toml = By.xpath('//*[@data-testid="template-file"][starts-with(normalize-space(.), "quantum.toml")]');
  await (await waitFor(driver, toml, TIMEOUT_MS)).click();
  await driver.wait(
    async () => /engine = "postgres"/.test(await renderedText(driver, await waitFor(driver, byTestId("template-file-text")))),
    TIMEOUT_MS,
    "quantum.toml's text is shown, with the engine chosen",
  );

  await click("template-force");
  await driver.wait(() => enabled("template-create-button"), TIMEOUT_MS, "Create is offered once agreed");
  await capture(driver, "template-dialog");
  await click("template-create-button");
  await waitForToast(driver, `Project “${name}” created`, TIMEOUT_MS);

  // The project opened on its page, its database made from quantum.toml and ready.
  await driver.wait(
    async () =>
      driver.executeScript(
        'return [...document.querySelectorAll(\'[data-testid="datasource-status"]\')].some((badge) => badge.dataset.status === "ready");',
      ),
    READY_TIMEOUT_MS,
    "the declared database becomes ready",
  );
  const written = await readdir(folder);
  assert.ok(written.includes("quantum.toml") && written.includes("README.md"), written.join(", "));
  assert.equal(await readFile(join(folder, "notes.txt"), "utf8"), "mine\n", "the folder's own file is kept");
  assert.match(await readFile(join(folder, "quantum.toml"), "utf8"), new RegExp(`\\[datasources\\.${datasource}\\]`));
});
