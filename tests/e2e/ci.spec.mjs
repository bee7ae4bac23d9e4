// A project's CI in the real window against the local fake of GitHub's API: the repository found
// from the folder's git remote is set up with a token, the workflows' latest runs and the run list
// show, a run started or changed on the server appears within seconds while the page is open, a
// failed run's jobs and its failed job's log (groups folded, the error shown) open, and "Re-run
// failed jobs" re-runs it on the server, the page following it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By, until } from "selenium-webdriver";
import { startFakeCi } from "./fakeCi.mjs";
import { byTestId, openNewProject, renderedText, replaceValue, startApp, waitFor, waitForToast } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
/** The promise: a change on the server is on screen within 5 s while the page is open. */
const LIVE_MS = 5_000;
const RUN_42 = 12003987215;

let app;
let driver;
let fake;
let folder;

before(async () => {
  fake = await startFakeCi();
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-ci-"));
  execFileSync("git", ["-C", folder, "init", "-q", "-b", "main"]);
  execFileSync("git", ["-C", folder, "remote", "add", "origin", "git@github.com:acme/shop.git"]);
  app = await startApp();
  driver = app.driver;
});

after(async () => {
  await app?.close();
  await fake?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const click = async (locator) => {
  const element = await waitFor(driver, locator, TIMEOUT_MS);
  await driver.wait(until.elementIsEnabled(element), TIMEOUT_MS, "enabled");
  await element.click();
};
const attribute = (testId, name) =>
  driver.executeScript(`return document.querySelector('[data-testid="${testId}"]')?.getAttribute("${name}") ?? null;`);
const runRow = (id) => By.css(`[data-testid="ci-run-row"][data-run-id="${id}"]`);
/** The run's link in its row (WebKitWebDriver cannot click a table row itself). */
const runLink = (id) => By.css(`[data-testid="ci-run-row"][data-run-id="${id}"] a`);
const statusOf = (id) =>
  driver.executeScript(`return document.querySelector('[data-testid="ci-run-row"][data-run-id="${id}"]')?.dataset.status ?? null;`);

test("the repository found from the remote is set up with a token, and its runs show", async () => {
  await openNewProject(driver, "shop", folder);
  await click(byTestId("project-ci-link"));
  await waitFor(driver, byTestId("ci-setup"), TIMEOUT_MS);
  await click(By.css('[data-testid="ci-candidate"][data-path="acme/shop"]'));
  const apiUrl = await waitFor(driver, byTestId("ci-api-url"), TIMEOUT_MS);
  await replaceValue(driver, apiUrl, fake.url);

  // A token that cannot see the private repository is refused, saying which scope it lacks.
  await (await waitFor(driver, byTestId("ci-token"), TIMEOUT_MS)).sendKeys("gh-read");
  await click(byTestId("ci-setup-save"));
  await driver.wait(until.elementLocated(By.xpath("//*[contains(., 'lacks the repo scope')]")), TIMEOUT_MS, "the missing scope is named");
  const token = await waitFor(driver, byTestId("ci-token"), TIMEOUT_MS);
  await replaceValue(driver, token, "gh-good");
  await click(byTestId("ci-setup-save"));

  const ci = await waitFor(driver, By.css('[data-testid="ci-workflow"][data-workflow-name="CI"]'), TIMEOUT_MS);
  const latest = await ci.findElement(By.css('[data-testid="ci-latest-default"]'));
  assert.equal(await latest.getAttribute("data-status"), "failure");
  assert.equal(await latest.getAttribute("data-run-id"), String(RUN_42));
  await waitFor(driver, runRow(RUN_42), TIMEOUT_MS);
  assert.equal(await statusOf(RUN_42), "failure");
  assert.equal(await attribute("ci-status", "data-state"), "live");
});

test("a run started on the server, then running, is on screen within 5 s each time", async () => {
  const { id } = await fake.post("/_fake/github/runs", { workflow: "ci.yml", branch: "main" });
  await driver.wait(async () => (await statusOf(id)) === "queued", LIVE_MS, "the new run is listed within 5 s");
  await fake.post(`/_fake/github/runs/${id}/state`, { status: "in_progress" });
  await driver.wait(async () => (await statusOf(id)) === "running", LIVE_MS, "the run shows running within 5 s");
});

test("a failed run's failed job shows its log, folded, with the error; re-running its failed jobs is followed", async () => {
  await click(runLink(RUN_42));
  await waitFor(driver, byTestId("ci-run-page"), TIMEOUT_MS);
  await click(By.css('[data-testid="ci-job"][data-job-name="test"][data-status="failure"]'));
  const error = await waitFor(driver, byTestId("ci-log-error"), TIMEOUT_MS);
  assert.match(await error.getText(), /exit code 101/);
  assert.ok((await driver.findElements(byTestId("ci-log-group"))).length > 0, "the log's groups are folded");

  await click(byTestId("ci-rerun-failed"));
  await waitForToast(driver, "Re-run");
  await driver.wait(async () => (await attribute("ci-run-status", "data-status")) === "queued", LIVE_MS, "the page follows the re-run");
  const requests = await fake.get("/_fake/requests");
  assert.ok(
    requests.some((r) => r.method === "POST" && r.path.endsWith(`/runs/${RUN_42}/rerun-failed-jobs`)),
    "the server was asked to re-run the failed jobs",
  );
  // The page polls with conditional requests: most of its reads cost nothing.
  const stats = await fake.get("/_fake/stats");
  assert.ok(stats.github.notModified > 0, JSON.stringify(stats.github));
});

test("the dashboard shows the project's CI as the watcher last read it, linking to its CI page", async () => {
  await click(byTestId("nav-dashboard"));
  const project = await waitFor(driver, byTestId("dashboard-ci-project"), TIMEOUT_MS);
  assert.match(await renderedText(driver, project), /acme\/shop\s+main/);
  // Every workflow's latest run on the branch, each with its status.
  const statuses = await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="dashboard-ci-status"]\')].map((badge) => badge.dataset.status);',
  );
  const known = ["queued", "running", "waiting", "success", "failure", "cancelled", "skipped"];
  assert.ok(statuses.length > 0 && statuses.every((status) => known.includes(status)), JSON.stringify(statuses));
  await click(By.css('[data-testid="dashboard-ci-project"] a'));
  await waitFor(driver, byTestId("ci-status"), TIMEOUT_MS);
});
