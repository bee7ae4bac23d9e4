// Health checks in the real window: a project whose quantum.toml declares a check against an HTTP
// server of this spec's. The page shows it up; the server starts failing and the incident opens
// on screen (with the condition that failed) and is posted to the project's webhook; it recovers
// and the incident closes. Then a check is added from the page.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { answerSaveDialog, byTestId, capture, openNewProject, renderedText, replaceValue, startApp, testSettings, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;

let app;
let driver;
let folder;
let server;
let status = 200;
/** The bodies posted to the project's webhook. */
const hooked = [];

before(async () => {
  server = createServer((request, response) => {
    if (request.url === "/hook") {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        hooked.push(JSON.parse(body));
        response.writeHead(204).end();
      });
      return;
    }
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify({ status: status === 200 ? "UP" : "DOWN" }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-health-"));
  await writeFile(
    join(folder, "quantum.toml"),
    `[project]
name = "healthshop"

# The public API, checked every second in this test.
[[health]]
name = "api"
target = "http://127.0.0.1:${server.address().port}/health"
interval = 1
failures = 2
conditions = ["[STATUS] == 200", "[BODY].status == UP"]
`,
  );
  app = await startApp({ settings: testSettings });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  server?.close();
  await rm(folder, { recursive: true, force: true });
});

const stateOf = () =>
  driver.executeScript('return document.querySelector(\'[data-testid="health-state"]\')?.dataset.state ?? null;');

test("a failing check becomes an incident on screen, and recovery closes it", async () => {
  await openNewProject(driver, "healthshop", folder);
  await (await waitFor(driver, byTestId("project-health-link"), TIMEOUT_MS)).click();
  await driver.wait(async () => (await stateOf()) === "up", TIMEOUT_MS, "the check runs by itself and is up");

  // The incident will be posted to the project's webhook, kept in the keychain.
  await (await waitFor(driver, byTestId("health-webhook-input"), TIMEOUT_MS)).sendKeys(`http://127.0.0.1:${server.address().port}/hook`);
  await (await waitFor(driver, byTestId("health-webhook-save"), TIMEOUT_MS)).click();
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("health-webhook-current"), TIMEOUT_MS)), /^http:\/\/127\.0\.0\.1:\d+\/…$/);

  status = 503;
  const alert = await waitFor(driver, byTestId("health-open-incidents"), TIMEOUT_MS);
  assert.match(await renderedText(driver, alert), /1 open incident: api/);
  const incident = await waitFor(driver, byTestId("health-incident"), TIMEOUT_MS);
  assert.match(await renderedText(driver, incident), /\[STATUS\] == 200 \(was 503\)/);
  assert.equal(await stateOf(), "down");
  await driver.wait(async () => hooked.some((body) => body.state === "opened" && body.check === "api"), TIMEOUT_MS, "the webhook hears of it");
  await capture(driver, "health-incident");

  // The dashboard names it too, linking back here.
  await (await waitFor(driver, byTestId("nav-dashboard"), TIMEOUT_MS)).click();
  const card = await waitFor(driver, byTestId("stat-incident"), TIMEOUT_MS);
  assert.equal(await renderedText(driver, card), "api — healthshop");
  await card.click();
  await waitFor(driver, byTestId("health-open-incidents"), TIMEOUT_MS);

  status = 200;
  await driver.wait(
    async () => (await driver.findElements(byTestId("health-open-incidents"))).length === 0 && (await stateOf()) === "up",
    TIMEOUT_MS,
    "the incident closes once the check passes",
  );
  const closed = await waitFor(driver, byTestId("health-incident"), TIMEOUT_MS);
  assert.equal(await closed.getAttribute("data-open"), "false");

  // The incident, in a CSV report saved through the native save dialog.
  const report = join(folder, "incidents.csv");
  await (await waitFor(driver, byTestId("health-report-menu"), TIMEOUT_MS)).click();
  await (await waitFor(driver, byTestId("health-report-incidents"), TIMEOUT_MS)).click();
  await answerSaveDialog("Save incidents as CSV", report);
  await waitForToast(driver, "Incidents saved", TIMEOUT_MS);
  const lines = (await readFile(report, "utf8")).trim().split("\n");
  assert.equal(lines[0], "check,started_at,ended_at,minutes,failing,last_response");
  assert.match(lines[1], /^api,\S+Z,\S+Z,\d+,\[STATUS\] == 200 \(was 503\),/);

  // The same, with the uptime, in the PDF report.
  const pdf = join(folder, "health.pdf");
  await (await waitFor(driver, byTestId("health-report-menu"), TIMEOUT_MS)).click();
  await (await waitFor(driver, byTestId("health-report-pdf"), TIMEOUT_MS)).click();
  await answerSaveDialog("Save the health report as PDF", pdf);
  await waitForToast(driver, "Health report saved", TIMEOUT_MS);
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
  assert.match(text, /Health report: healthshop/);
  assert.match(text, /^\s*api\s+\d+\s+\d+\s+\d+\.\d\d %/m, "the check's uptime");
  assert.match(text, /\[STATUS\] == 200 \(was 503\)/, "the incident's failing condition");
});

test("a check added from the page is written into quantum.toml, the file's comments kept, and runs", async () => {
  await (await waitFor(driver, byTestId("health-add"), TIMEOUT_MS)).click();
  await (await waitFor(driver, byTestId("health-form-name"), TIMEOUT_MS)).sendKeys("port");
  await replaceValue(driver, await waitFor(driver, byTestId("health-form-target")), `tcp://127.0.0.1:${server.address().port}`);
  await replaceValue(driver, await waitFor(driver, byTestId("health-form-interval")), "2");
  await replaceValue(driver, await waitFor(driver, byTestId("health-form-conditions")), "[CONNECTED] == true");
  await (await waitFor(driver, byTestId("health-form-submit"))).click();
  await waitUntilGone(driver, byTestId("health-form"), "the form closes once saved");

  const text = await readFile(join(folder, "quantum.toml"), "utf8");
  assert.match(text, /# The public API, checked every second in this test\.\n\[\[health\]\]\nname = "api"/);
  assert.match(text, /\[\[health\]\]\nname = "port"\ntarget = "tcp:\/\/127\.0\.0\.1:\d+"\ninterval = 2\nconditions = \["\[CONNECTED\] == true"\]/);
  await driver.wait(
    () =>
      driver.executeScript(
        'return document.querySelector(\'[data-testid="health-check"][data-name="port"] [data-testid="health-state"]\')?.dataset.state === "up";',
      ),
    TIMEOUT_MS,
    "the new check runs and is up",
  );
});
