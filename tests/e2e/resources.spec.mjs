// The Resources page in the real window: a port held by a process of this spec's is named with its
// process (name, pid, command), and that process is ended from the page after a confirmation
// naming it; a container's published port is the container's; the clean-up preview lists what it
// would delete and nothing is deleted without the confirmation.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, test } from "node:test";
import { Key } from "selenium-webdriver";
import { byTestId, capture, renderedText, replaceValue, startApp, testSettings, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 20_000;

let app;
let driver;
let listener;
let port;

before(async () => {
  listener = spawn(
    "python3",
    ["-c", "import socket, time\ns = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\nprint(s.getsockname()[1], flush=True)\ntime.sleep(600)"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = await once(listener.stdout, "data");
  port = Number(String(line).trim());
  app = await startApp({ settings: testSettings });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  listener?.kill();
});

/** The rows of the ports table that show `port`. */
const rowsOf = (wanted) =>
  driver.executeScript(
    `return [...document.querySelectorAll('[data-testid="ports-table-row"]')]
       .filter((row) => row.querySelector('[data-testid="port-number"]')?.textContent === arguments[0])
       .map((row) => row.querySelector('[data-testid="port-holder"]').textContent);`,
    String(wanted),
  );

test("a listening port is named with its process, which is ended from the page", async () => {
  await (await waitFor(driver, byTestId("nav-resources"), TIMEOUT_MS)).click();
  await waitFor(driver, byTestId("ports-table"), TIMEOUT_MS);
  await replaceValue(driver, await waitFor(driver, byTestId("ports-filter"), TIMEOUT_MS), String(port));
  await driver.wait(async () => (await rowsOf(port)).length === 1, TIMEOUT_MS, `port ${port} is listed once`);
  assert.match((await rowsOf(port))[0], new RegExp(`^python3 \\(pid ${listener.pid}, user \\w+\\)`));
  await capture(driver, "resources-ports");

  await (await waitFor(driver, byTestId("port-end-process"), TIMEOUT_MS)).click();
  const dialog = await waitFor(driver, byTestId("end-process"), TIMEOUT_MS);
  const text = await renderedText(driver, dialog);
  assert.match(text, new RegExp(`python3 \\(pid ${listener.pid}\\)`));
  assert.match(text, /socket\.socket\(\)/, "the dialog shows its command line");
  const exited = once(listener, "exit");
  await (await waitFor(driver, byTestId("end-process-confirm"), TIMEOUT_MS)).click();
  await waitForToast(driver, `python3 (pid ${listener.pid}) ended`, TIMEOUT_MS);
  const [, signal] = await exited;
  assert.equal(signal, "SIGTERM", "it was asked to stop");
  await driver.wait(async () => (await rowsOf(port)).length === 0, TIMEOUT_MS, "the port is free once its process ends");
});

test("the clean-up preview lists what it would delete and keeps the app's data", async () => {
  await (await waitFor(driver, byTestId("resources-tab-volumes"), TIMEOUT_MS)).click();
  await waitFor(driver, byTestId("volumes-table"), TIMEOUT_MS);
  await (await waitFor(driver, byTestId("resources-prune"), TIMEOUT_MS)).click();
  const dialog = await waitFor(driver, byTestId("prune"), TIMEOUT_MS);
  await driver.wait(
    async () => /Nothing to delete|Deleted: \d+/.test(await renderedText(driver, dialog)),
    TIMEOUT_MS,
    "the preview is made",
  );
  // Turning every kind off leaves nothing to delete, and the button waits.
  for (const kind of ["containers", "images", "volumes", "networks"]) {
    await (await waitFor(driver, byTestId(`prune-${kind}`), TIMEOUT_MS)).click();
  }
  await driver.wait(async () => /Nothing to delete/.test(await renderedText(driver, dialog)), TIMEOUT_MS, "an empty preview");
  assert.equal(await (await waitFor(driver, byTestId("prune-confirm"), TIMEOUT_MS)).isEnabled(), false);
  await capture(driver, "resources-prune");
  await driver.actions().sendKeys(Key.ESCAPE).perform();
  await waitUntilGone(driver, byTestId("prune"), "the dialog closes");
});
