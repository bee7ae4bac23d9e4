// quantum.toml in the real window: Monaco bundled and started under the app's CSP and frozen
// prototypes, a marker while typing an unknown key, Ctrl+S writing the file into the project's
// folder, and the History tab with its versions, a side-by-side diff and a restore.
import assert from "node:assert/strict";
import { lstat, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By, Key } from "selenium-webdriver";
import { byTestId, capture, renderedText, startApp, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;

let app;
let driver;
/** The project's folder, where its quantum.toml is written. */
let folder;
let configPath;
/** Outside the project: where a planted quantum.toml link leads. */
let elsewhere;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-project-"));
  configPath = join(folder, "quantum.toml");
  app = await startApp();
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
  if (elsewhere) await rm(elsewhere, { recursive: true, force: true });
});

async function click(testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

/**
 * Records, before Monaco loads, every worker the page starts and what it answers, and every
 * warning and uncaught error: Monaco falls back to running its worker on the page with only a
 * console warning, and an error under frozen prototypes would otherwise go unseen.
 */
async function watchThePage() {
  await driver.executeScript(`
    const seen = { workers: [], warnings: [], errors: [] };
    window.__quantumE2E = seen;
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(url, options) {
        super(url, options);
        const record = { url: String(url), messages: 0, errors: 0 };
        seen.workers.push(record);
        this.addEventListener("message", () => { record.messages += 1; });
        this.addEventListener("error", () => { record.errors += 1; });
      }
    };
    const warn = console.warn.bind(console);
    console.warn = (...args) => { seen.warnings.push(args.map(String).join(" ")); warn(...args); };
    window.addEventListener("error", (event) => seen.errors.push(String(event.message)));
    window.addEventListener("unhandledrejection", (event) => seen.errors.push(String(event.reason)));
  `);
}

const pageReport = () => driver.executeScript("return window.__quantumE2E;");

const editorLines = '[data-testid="config-editor"] .view-line';

/**
 * The text of the lines Monaco renders for `selector`, read in one go (Monaco redraws its lines
 * as it likes); spaces come out as no-break spaces.
 */
async function shownText(selector) {
  const text = await driver.executeScript(
    "return [...document.querySelectorAll(arguments[0])].map((line) => line.innerText).join('\\n');",
    selector,
  );
  return text.replaceAll("\u00a0", " ");
}

async function editorInput() {
  return waitFor(driver, By.css('[data-testid="config-editor"] .monaco-editor textarea'), TIMEOUT_MS);
}

/**
 * Sends a key combination on its own: WebKitWebDriver keeps the modifiers of a chord pressed for
 * the keys that follow it in the same call (Ctrl+End, then "n" would be Ctrl+N).
 */
async function pressChord(input, ...keys) {
  await input.sendKeys(Key.chord(...keys));
}

/** Types a line at the end of the file. Esc first closes a suggestion list, which Enter would accept. */
async function typeLineAtEnd(input, text) {
  await pressChord(input, Key.CONTROL, Key.END);
  await input.sendKeys(Key.ESCAPE, Key.ENTER, text, Key.ESCAPE);
}

async function problemCounts() {
  const status = await waitFor(driver, byTestId("config-status"), TIMEOUT_MS);
  return {
    errors: Number(await status.getAttribute("data-errors")),
    warnings: Number(await status.getAttribute("data-warnings")),
  };
}

async function waitForFile(predicate, description) {
  let text = null;
  await driver.wait(
    async () => {
      text = await readFile(configPath, "utf8").catch(() => null);
      return text !== null && predicate(text);
    },
    TIMEOUT_MS,
    description,
  );
  return text;
}

test("a project with a folder opens its configuration in Monaco", async () => {
  await click("nav-projects");
  await click("new-project-button");
  await (await waitFor(driver, byTestId("project-name-input"), TIMEOUT_MS)).sendKeys("shop");
  await (await waitFor(driver, byTestId("project-folder-input"), TIMEOUT_MS)).sendKeys(folder);
  await click("project-form-submit");
  await waitForToast(driver, "Project “shop” created");
  await click("project-name-link");
  await waitFor(driver, byTestId("project-details-page"), TIMEOUT_MS);

  await watchThePage();
  await click("project-config-link");
  await waitFor(driver, byTestId("config-page"), TIMEOUT_MS);
  await driver.wait(
    async () => (await driver.findElements(By.css('[data-testid="config-editor"] .monaco-editor .view-line'))).length > 0,
    TIMEOUT_MS,
    "Monaco shows the file",
  ).catch(async (error) => {
    throw new Error(`${error.message}; the page reported ${JSON.stringify(await pageReport())}`);
  });

  assert.equal(await renderedText(driver, await waitFor(driver, byTestId("config-path"))), configPath);
  assert.equal(await renderedText(driver, await waitFor(driver, byTestId("config-location"))), "In the project folder");
  await waitFor(driver, byTestId("config-missing-note"), TIMEOUT_MS);
  // Monaco lays the lines out once the frame has its size: wait for the whole file.
  await driver.wait(
    async () => /\[project\][^]*name = "shop"/.test(await shownText(editorLines)),
    TIMEOUT_MS,
    "the generated file declares the project",
  );
  // The TOML tokenizer colours the file: a header and a string are different tokens.
  const tokenClasses = await driver.executeScript(
    `return [...document.querySelectorAll('[data-testid="config-editor"] .view-line span span')].map((span) => span.className);`,
  );
  assert.ok(new Set(tokenClasses).size >= 3, `the file is tokenized: ${JSON.stringify([...new Set(tokenClasses)])}`);
  await capture(driver, "config-editor");
});

test("an unknown key is underlined and counted while typing, and gone once fixed", async () => {
  const input = await editorInput();
  await (await waitFor(driver, By.css('[data-testid="config-editor"] .view-lines'), TIMEOUT_MS)).click();
  await typeLineAtEnd(input, "");
  await typeLineAtEnd(input, "[datasources.main]");
  await typeLineAtEnd(input, 'engnie = "postgres"');

  await waitFor(driver, byTestId("config-dirty"), TIMEOUT_MS);
  // The datasource has no `engine`, and `engnie` is no key.
  await driver.wait(async () => (await problemCounts()).errors === 2, TIMEOUT_MS, "the status line counts both errors");
  await waitFor(driver, By.css('[data-testid="config-editor"] .squiggly-error'), TIMEOUT_MS);
  const problems = await waitFor(driver, byTestId("config-problems"), TIMEOUT_MS);
  assert.equal(await renderedText(driver, problems), "2 errors");
  assert.match(await problems.getAttribute("title"), /^Go to line \d+: Datasource `main` has no `engine`/);
  await capture(driver, "config-marker");

  // The status line takes the cursor to the first error; F8 goes on to the next one and shows it.
  await problems.click();
  assert.equal(
    await driver.executeScript("return document.activeElement === arguments[0];", input),
    true,
    "the editor has the focus",
  );
  const markerWidget = By.css('[data-testid="config-editor"] .marker-widget');
  const waitForMarkerMessage = (pattern) =>
    driver.wait(
      async () => {
        try {
          return pattern.test(await renderedText(driver, await driver.findElement(markerWidget)));
        } catch (error) {
          // Not open yet, or redrawn for the next problem.
          if (error.name === "NoSuchElementError" || error.name === "StaleElementReferenceError") return false;
          throw error;
        }
      },
      TIMEOUT_MS,
      `the problem widget says ${pattern}`,
    );
  await input.sendKeys(Key.F8);
  await waitForMarkerMessage(/Datasource `main` has no `engine`/);
  await input.sendKeys(Key.F8);
  await waitForMarkerMessage(/Unknown key `engnie` in datasource `main`\. Did you mean `engine`\?/);

  // F8 put the cursor at the start of the key: select it and type it right.
  await input.sendKeys(Key.ESCAPE);
  await pressChord(input, Key.SHIFT, Key.CONTROL, Key.ARROW_RIGHT);
  await input.sendKeys("engine", Key.ESCAPE);
  await driver.wait(async () => (await problemCounts()).errors === 0, TIMEOUT_MS, "the errors are gone once the key is fixed");
  await waitUntilGone(driver, By.css('[data-testid="config-editor"] .squiggly-error'), "the underline is gone");
  assert.match(await shownText(editorLines), /engine = "postgres"/);
});

test("Ctrl+S creates quantum.toml in the project folder with the editor's text", async () => {
  const input = await editorInput();
  await pressChord(input, Key.CONTROL, "s");
  await waitForToast(driver, "quantum.toml created");
  await waitUntilGone(driver, byTestId("config-dirty"), "the editor is clean once saved");
  await waitUntilGone(driver, byTestId("config-missing-note"), "the file exists now");
  const text = await waitForFile((content) => /engine = "postgres"/.test(content), "the file holds the fixed key");
  assert.match(text, /\[datasources\.main\]/);
  assert.doesNotMatch(text, /engnie/);
});

test("keys are completed from the core's schema", async () => {
  const input = await editorInput();
  await pressChord(input, Key.CONTROL, Key.END);
  await input.sendKeys(Key.ESCAPE, Key.ENTER, "po");
  const suggestion = By.xpath(
    '//*[contains(@class, "suggest-widget")]//*[contains(@class, "monaco-list-row")][contains(., "port")]',
  );
  await waitFor(driver, suggestion, TIMEOUT_MS);
  await input.sendKeys(Key.ENTER, " = 5433", Key.ESCAPE);
  await driver.wait(
    async () => /\nport = 5433/.test(await shownText(editorLines)),
    TIMEOUT_MS,
    "Enter took the suggestion",
  );
});

test("a second save records a second version, and History shows what it changed", async () => {
  const input = await editorInput();
  await waitFor(driver, byTestId("config-dirty"), TIMEOUT_MS);
  assert.equal(await (await waitFor(driver, byTestId("config-save"))).isEnabled(), true);
  await pressChord(input, Key.CONTROL, "s");
  await waitForToast(driver, "quantum.toml saved");
  await waitForFile((content) => /port = 5433/.test(content), "the file holds the port");

  await click("config-tab-history");
  await driver.wait(
    async () => (await driver.findElements(byTestId("config-version"))).length >= 2,
    TIMEOUT_MS,
    "two versions are listed",
  );
  const versions = await driver.findElements(byTestId("config-version"));
  assert.equal(await versions[0].getAttribute("data-source"), "app");
  assert.equal(await versions[0].getAttribute("aria-pressed"), "true", "the newest is selected first");
  assert.match(await renderedText(driver, versions[0]), /Current/);
  assert.match(await renderedText(driver, versions[0]), /Saved in the app · [0-9a-f]{8} · \d+ B/);
  await waitFor(driver, byTestId("config-diff-identical"), TIMEOUT_MS);

  // The version before: the current file adds the port line to it.
  await versions[1].click();
  await waitUntilGone(driver, byTestId("config-diff-identical"), "the two differ");
  const modified = '[data-testid="config-diff"] .editor.modified .view-line';
  const original = '[data-testid="config-diff"] .editor.original .view-line';
  await driver.wait(async () => /port = 5433/.test(await shownText(modified)), TIMEOUT_MS, "the right side shows the new line");
  // The two sides get their texts separately: wait for the left one too.
  await driver.wait(async () => !/port = 5433/.test(await shownText(original)), TIMEOUT_MS, "the left side shows the older version");
  await waitFor(driver, By.css('[data-testid="config-diff"] .editor.modified .line-insert'), TIMEOUT_MS);
  await capture(driver, "config-history");
});

test("Monaco runs its worker and reports no error under the app's CSP and frozen prototypes", async () => {
  const report = await pageReport();
  assert.ok(report, "the page was watched from before Monaco loaded");
  assert.deepEqual(report.errors, [], "no uncaught error");
  assert.deepEqual(
    report.warnings.filter((warning) => /worker/i.test(warning)),
    [],
    "Monaco did not fall back to running its worker on the page",
  );
  const editorWorkers = report.workers.filter((worker) => /editor\.worker/.test(worker.url));
  assert.ok(editorWorkers.length > 0, `the editor worker was started: ${JSON.stringify(report.workers)}`);
  assert.ok(editorWorkers.every((worker) => worker.errors === 0), "the worker loaded");
  assert.ok(editorWorkers.some((worker) => worker.messages > 0), "the worker answered");
  assert.equal(await driver.executeScript("return Object.isFrozen(Object.prototype);"), true, "prototypes are frozen");
});

test("restoring the older version writes it back as a new version, and the clean editor follows", async () => {
  const versions = await driver.findElements(byTestId("config-version"));
  await versions[1].click();
  await click("config-restore");
  await waitFor(driver, byTestId("config-restore-dialog"), TIMEOUT_MS);
  await click("config-restore-confirm");
  await waitForToast(driver, "Version restored");
  await waitForFile((content) => !/port = 5433/.test(content), "the file no longer has the port");
  await driver.wait(
    async () => {
      const [newest] = await driver.findElements(byTestId("config-version"));
      return newest !== undefined && (await newest.getAttribute("data-source")) === "restore";
    },
    TIMEOUT_MS,
    "the restore is the newest version",
  );

  await click("config-tab-editor");
  await driver.wait(
    async () => !/port = 5433/.test(await shownText(editorLines)),
    TIMEOUT_MS,
    "the editor shows the restored text",
  );
});

test("a change on disk under unsaved edits asks before replacing them", async () => {
  const input = await editorInput();
  await typeLineAtEnd(input, "# my edit");
  await waitFor(driver, byTestId("config-dirty"), TIMEOUT_MS);

  const onDisk = (await readFile(configPath, "utf8")).replace('engine = "postgres"', 'engine = "redis"');
  await writeFile(configPath, onDisk);
  const notice = await waitFor(driver, byTestId("config-conflict"), TIMEOUT_MS);
  assert.match(await renderedText(driver, notice), /quantum\.toml changed on disk\./);
  await capture(driver, "config-changed-on-disk");

  await click("config-keep-edits");
  await waitUntilGone(driver, byTestId("config-conflict"), "the notice goes once answered");
  assert.match(await shownText(editorLines), /# my edit/, "the edits are kept");
  await pressChord(input, Key.CONTROL, "s");
  await waitForToast(driver, "quantum.toml saved");
  const saved = await waitForFile((content) => /# my edit/.test(content), "the edits overwrite the file");
  assert.match(saved, /engine = "postgres"/);
});

test("a quantum.toml that links out of the project is written through only once the user says so", async () => {
  // A cloned repository can carry such a link, to have a file of the user's overwritten.
  elsewhere = await mkdtemp(join(tmpdir(), "quantum-e2e-elsewhere-"));
  const target = join(elsewhere, "bashrc");
  await writeFile(target, await readFile(configPath, "utf8"));
  await rm(configPath);
  await symlink(target, configPath);

  const input = await editorInput();
  await typeLineAtEnd(input, "# through the link");
  await waitFor(driver, byTestId("config-dirty"), TIMEOUT_MS);
  await pressChord(input, Key.CONTROL, "s");
  const dialog = await waitFor(driver, byTestId("link-outside-dialog"), TIMEOUT_MS);
  assert.ok((await renderedText(driver, dialog)).includes(target), "the dialog names where the link leads");
  await capture(driver, "config-link-outside");
  await click("link-outside-cancel");
  await waitUntilGone(driver, byTestId("link-outside-dialog"), "Cancel closes the question");
  assert.doesNotMatch(await readFile(target, "utf8"), /through the link/, "nothing was written on Cancel");
  await waitFor(driver, byTestId("config-dirty"), TIMEOUT_MS);

  await pressChord(await editorInput(), Key.CONTROL, "s");
  await click("link-outside-confirm");
  await waitForToast(driver, "quantum.toml saved");
  await driver.wait(
    async () => /# through the link/.test(await readFile(target, "utf8")),
    TIMEOUT_MS,
    "the confirmed save writes the file the link leads to",
  );
  assert.ok((await lstat(configPath)).isSymbolicLink(), "the link stays a link");
});

test("the editor takes the app's dark theme, colours included", async () => {
  await click("nav-settings");
  await click("theme-option-dark");
  await driver.wait(
    async () => (await driver.executeScript("return document.documentElement.dataset.theme")) === "dark",
    TIMEOUT_MS,
    "the app turns dark",
  );
  await click("nav-projects");
  await click("project-name-link");
  await click("project-config-link");
  await waitFor(driver, By.css('[data-testid="config-editor"] .monaco-editor'), TIMEOUT_MS);
  const colours = () =>
    driver.executeScript(`
      const editor = document.querySelector('[data-testid="config-editor"] .monaco-editor');
      const surface = document.createElement("div");
      surface.style.background = getComputedStyle(document.documentElement).getPropertyValue("--surface");
      document.body.append(surface);
      const expected = getComputedStyle(surface).backgroundColor;
      surface.remove();
      return { editor: getComputedStyle(editor.querySelector(".monaco-editor-background")).backgroundColor, expected, dark: editor.classList.contains("vs-dark") };
    `);
  await driver.wait(async () => {
    const { editor, expected, dark } = await colours();
    return dark && editor === expected;
  }, TIMEOUT_MS, "the editor is painted with the app's dark surface");
  await capture(driver, "config-dark");
});

test("leaving with unsaved edits asks first", async () => {
  const input = await editorInput();
  await typeLineAtEnd(input, "# not saved");
  await waitFor(driver, byTestId("config-dirty"), TIMEOUT_MS);
  await click("config-back");
  await waitFor(driver, byTestId("config-leave-dialog"), TIMEOUT_MS);
  await click("config-leave-confirm");
  await waitFor(driver, byTestId("project-details-page"), TIMEOUT_MS);
  assert.doesNotMatch(await readFile(configPath, "utf8"), /# not saved/);
});
