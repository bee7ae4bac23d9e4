// A PostgreSQL database for a project, end to end: created through the form in Docker, its log,
// its connection URL used by psql, a stop from outside the app seen live, and its removal.
// Needs Docker, the local test images (`tests/images/build.sh`), xclip and psql.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { byTestId, capture, removeContainerAndVolume, renderedText, startApp, testSettings, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
/** Creating includes starting the container and waiting until it accepts connections. */
const READY_TIMEOUT_MS = 120_000;

const projectRow = (name) => By.css(`[data-testid="project-row"][data-project-name="${name}"]`);

let app;
let driver;
/** The datasource's name, which is also its container's; known once it is created. */
let datasourceName;
/** Its connection URL, password included, as the app copied it. */
let connectionUrl;
/** The schema the inspector's own tests use: two schemas, composite keys, views, an enum. */
const fixture = join(dirname(fileURLToPath(import.meta.url)), "../../crates/schema/tests/fixtures/shop.postgres.sql");

before(async () => {
  // The background sampling of metric history every second instead of every 10 s.
  app = await startApp({ settings: testSettings, env: { QUANTUM_METRICS_SECS: "1" } });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (datasourceName) removeContainerAndVolume(datasourceName);
});





async function click(testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

const datasourceItem = () => waitFor(driver, byTestId("datasource-item"), TIMEOUT_MS);

/** The badge's status, or null while React replaces the element under our feet. */
async function statusShown() {
  try {
    const badge = await (await datasourceItem()).findElement(byTestId("datasource-status"));
    return await badge.getAttribute("data-status");
  } catch (error) {
    if (error.name === "StaleElementReferenceError") return null;
    throw error;
  }
}

/** Waits until the badge shows `status`; fails at once with the reason if set-up failed instead. */
async function waitForStatus(status, timeoutMs) {
  await driver.wait(
    async () => {
      const current = await statusShown();
      if (current === null) return false;
      if (current === "error" && status !== "error") {
        const reasons = await driver.findElements(byTestId("datasource-error-reason"));
        const reason = reasons.length > 0 ? await renderedText(driver, reasons[0]) : "no reason shown";
        throw new Error(`the database failed instead of becoming ${status}: ${reason}`);
      }
      return current === status;
    },
    timeoutMs,
    `the status badge shows ${status}`,
  );
}

async function openDatasourceMenuItem(testId) {
  await (await datasourceItem()).findElement(byTestId("datasource-menu")).click();
  await click(testId);
}

test("a project gets a PostgreSQL database in express mode, live until ready", async () => {
  await click("nav-projects");
  await click("new-project-button");
  await (await waitFor(driver, byTestId("project-name-input"), TIMEOUT_MS)).sendKeys("inventory");
  await click("project-form-submit");
  await waitUntilGone(driver, byTestId("project-form-dialog"), "the project form closes");
  await (await waitFor(driver, projectRow("inventory"), TIMEOUT_MS)).findElement(byTestId("project-name-link")).click();
  await waitFor(driver, byTestId("datasources-empty"), TIMEOUT_MS);

  await click("add-datasource-button");
  await waitFor(driver, byTestId("add-datasource-dialog"), TIMEOUT_MS);
  await click("engine-option-postgres");
  await click("datasource-mode-express");
  await click("datasource-create-submit");
  await waitUntilGone(driver, byTestId("add-datasource-dialog"), "the form closes once the database is recorded");

  datasourceName = await renderedText(driver, await (await datasourceItem()).findElement(byTestId("datasource-name")));
  assert.match(datasourceName, /^inventory/, "the database is named after the project");
  await waitForStatus("ready", READY_TIMEOUT_MS);
  await capture(driver, "datasource-ready");
});

test("its log shows that PostgreSQL accepts connections", async () => {
  await openDatasourceMenuItem("datasource-menu-logs");
  await waitFor(driver, byTestId("log-viewer"), TIMEOUT_MS);
  const search = await waitFor(driver, byTestId("log-search-input"), TIMEOUT_MS);
  await search.sendKeys("ready to accept connections");
  const count = await waitFor(driver, byTestId("log-match-count"), TIMEOUT_MS);
  await driver.wait(async () => !/No matches/.test(await renderedText(driver, count)), TIMEOUT_MS, "the log has a match");
  await search.sendKeys(Key.ENTER);

  const current = await waitFor(driver, By.css('[data-testid="log-line"][data-current-match="true"]'), TIMEOUT_MS);
  assert.match(await renderedText(driver, current), /ready to accept connections/);
  await capture(driver, "datasource-logs");
  await click("datasource-monitor-back");
  await waitFor(driver, byTestId("datasources-section"), TIMEOUT_MS);
});

test("its charts draw live samples and the history the app kept in the background", async () => {
  await openDatasourceMenuItem("datasource-menu-stats");
  const points = (id) => driver.executeScript(`return Number(document.querySelector('[data-testid="${id}"]')?.dataset.points ?? 0);`);
  await driver.wait(async () => (await points("stats-cpu")) >= 2, TIMEOUT_MS, "live CPU samples are drawn");
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("stats-memory-latest"), TIMEOUT_MS)), /\d+(\.\d)? [kMG]?B$/);

  await click("stats-range-1h");
  // The history was sampled while the database ran, before this page opened.
  await driver.wait(async () => (await points("stats-network")) >= 1, TIMEOUT_MS, "the last hour has samples");
  assert.ok((await points("stats-cpu")) >= 1);
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("stats-history-note"), TIMEOUT_MS)), /One point every 10 s/);
  await capture(driver, "datasource-metrics-history");
  await click("datasource-monitor-back");
  await waitFor(driver, byTestId("datasources-section"), TIMEOUT_MS);
});

test("the copied connection URL reaches the database with psql", async () => {
  await (await datasourceItem()).findElement(byTestId("datasource-copy-url")).click();
  await waitForToast(driver, "Connection URL copied");

  const url = execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8" }).trim();
  assert.match(url, /^postgres(ql)?:\/\//, "the clipboard holds a PostgreSQL URL");
  connectionUrl = url;
  const answer = execFileSync("psql", [url, "-tAc", "select 42"], { encoding: "utf8", timeout: TIMEOUT_MS }).trim();
  assert.equal(answer, "42");

  // The password is in the keychain only: not in the SQLite file, its WAL, the settings or the logs.
  const password = decodeURIComponent(new URL(url).password);
  assert.ok(password.length >= 32, "a strong generated password");
  for (const file of await filesUnder(app.dataDir)) {
    const bytes = await readFile(file);
    assert.equal(bytes.includes(Buffer.from(password)), false, `the password is in ${file}`);
  }
});

async function filesUnder(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

test("its schema shows as a diagram, a table found by search, its details and a Mermaid export", async () => {
  execFileSync("psql", [connectionUrl, "-q", "-v", "ON_ERROR_STOP=1", "-f", fixture], { timeout: TIMEOUT_MS });
  await click("project-schema-link");
  await waitFor(driver, byTestId("erd"), TIMEOUT_MS);
  await driver.wait(
    async () => (await driver.findElements(byTestId("erd-table"))).length === 6,
    TIMEOUT_MS,
    "the diagram draws the six tables and views of both schemas",
  );
  const search = await waitFor(driver, byTestId("erd-search"), TIMEOUT_MS);
  await search.sendKeys("order_it", Key.ENTER);
  await driver.wait(
    async () => /table=sales\.order_items/.test(await driver.getCurrentUrl()),
    TIMEOUT_MS,
    "the search selects sales.order_items",
  );
  await capture(driver, "schema-diagram");

  await click("schema-view-table");
  const details = await waitFor(driver, byTestId("schema-table-details"), TIMEOUT_MS);
  const text = await renderedText(driver, details);
  assert.match(text, /sales\.order_items/);
  assert.match(text, /PRIMARY KEY \(order_id, sku, variant\)/);
  assert.match(text, /\(sku, variant\) references public\.products/);

  await click("schema-export-menu");
  await click("schema-copy-mermaid");
  await waitForToast(driver, "Copied the schema as Mermaid");
  const mermaid = execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8" });
  assert.match(mermaid, /^erDiagram/);
  assert.match(mermaid, /public_products \|\|--o\{ sales_order_items : "sku, variant"/);
  await click("project-overview-link");
  await waitFor(driver, byTestId("datasources-section"), TIMEOUT_MS);
});

/** Replaces the console editor's text: Monaco takes keys in its hidden textarea. */
async function typeSql(sql) {
  const input = await waitFor(driver, By.css('[data-testid="console"] .monaco-editor textarea'), TIMEOUT_MS);
  await input.sendKeys(Key.chord(Key.CONTROL, "a"));
  await input.sendKeys(Key.DELETE, sql, Key.ESCAPE);
}

async function consoleStatus(pattern, description) {
  const status = await waitFor(driver, byTestId("console-status"), TIMEOUT_MS);
  let shown = "";
  await driver
    .wait(async () => pattern.test((shown = await renderedText(driver, status))), 60_000)
    .catch(() => {
      throw new Error(`${description}: the status says “${shown}”`);
    });
}

test("the console pages a large result, cancels a long statement and confirms a DROP first", async () => {
  await click("project-schema-link");
  await click("schema-view-console");
  await typeSql("SELECT g, 'row ' || g AS label FROM generate_series(1, 100000) g");
  await click("console-run");
  await consoleStatus(/^100,?000 rows ·/, "the whole result is counted");
  await driver.wait(
    async () => (await driver.findElements(byTestId("console-row"))).length > 0,
    TIMEOUT_MS,
    "the first rows are drawn",
  );
  const rowsInDom = (await driver.findElements(byTestId("console-row"))).length;
  assert.ok(rowsInDom < 200, `only the visible rows are in the page (${rowsInDom})`);
  await driver.executeScript(
    'const body = document.querySelector(".console-grid-body"); body.scrollTop = body.scrollHeight;',
  );
  await driver.wait(
    // Read in the page: the rows are re-rendered as they scroll, and a held element goes stale.
    () =>
      driver.executeScript(
        'return [...document.querySelectorAll(\'[data-testid="console-row"]\')].some((row) => row.textContent.includes("row 100000"));',
      ),
    TIMEOUT_MS,
    "the last row is fetched when scrolled to",
  );
  await capture(driver, "console-result");

  await typeSql("SELECT pg_sleep(60)");
  await click("console-run");
  await click("console-cancel");
  await consoleStatus(/Cancel/, "the statement is cancelled on the server");

  await typeSql("DROP TABLE public.products CASCADE");
  await click("console-run");
  const dialog = await waitFor(driver, byTestId("console-confirm-dialog"), TIMEOUT_MS);
  assert.match(await renderedText(driver, dialog), /TABLE public\.products/);
  await dialog.findElement(By.css("[data-autofocus]")).click();
  await waitUntilGone(driver, byTestId("console-confirm-dialog"), "Cancel closes the question");
  const still = execFileSync("psql", [connectionUrl, "-tAc", "select count(*) from public.products"], {
    encoding: "utf8",
    timeout: TIMEOUT_MS,
  }).trim();
  assert.equal(still, "0", "the table is still there");
  await click("project-overview-link");
  await waitFor(driver, byTestId("datasources-section"), TIMEOUT_MS);
});

test("a container stopped outside the app shows as stopped without a reload", async () => {
  execFileSync("docker", ["stop", datasourceName], { stdio: "ignore" });
  await waitForStatus("stopped", 60_000);
});

test("removing it with its data, confirmed by its name, leaves no database", async () => {
  await openDatasourceMenuItem("datasource-menu-remove");
  const dialog = await waitFor(driver, byTestId("remove-datasource-dialog"), TIMEOUT_MS);
  assert.match(await renderedText(driver, dialog), new RegExp(datasourceName.replace(/[.]/g, "\\.")), "the dialog names it");

  await click("remove-datasource-delete-data");
  const confirm = await waitFor(driver, byTestId("remove-datasource-confirm"), TIMEOUT_MS);
  assert.equal(await confirm.isEnabled(), false, "deleting data waits for the typed name");
  await (await waitFor(driver, byTestId("remove-datasource-confirm-name"), TIMEOUT_MS)).sendKeys(datasourceName);
  await driver.wait(until.elementIsEnabled(confirm), TIMEOUT_MS, "the typed name enables the button");
  await confirm.click();

  await waitUntilGone(driver, byTestId("remove-datasource-dialog"), "the dialog closes");
  await waitFor(driver, byTestId("datasources-empty"), TIMEOUT_MS);
  const volumes = execFileSync("docker", ["volume", "ls", "-q", "--filter", `name=^${datasourceName}-data$`], {
    encoding: "utf8",
  }).trim();
  assert.equal(volumes, "", "its data volume is deleted");
});
