// A Redis database's keys in the real window: created in express mode, filled with redis-cli in
// its container, its keys grouped by prefix on the Schema page, a level down, and values by type;
// then the same server added as an external connection through the form and browsed again.
// Needs Docker, the local test images (`tests/images/build.sh`) and xclip.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { addExpressDatasource, byTestId, capture, openNewProject, removeContainerAndVolume, renderedText, startApp, testSettings, waitFor, waitForToast, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;

let app;
let driver;
let datasourceName;

before(async () => {
  app = await startApp({ settings: testSettings });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  if (datasourceName) removeContainerAndVolume(datasourceName);
});

async function click(testId) {
  await (await waitFor(driver, byTestId(testId), TIMEOUT_MS)).click();
}

test("a Redis database's keys are grouped by prefix and its values read by type", async () => {
  await openNewProject(driver, "cache");
  datasourceName = await addExpressDatasource(driver, "redis", READY_TIMEOUT_MS);

  await click("datasource-copy-url");
  await waitForToast(driver, "Connection URL copied");
  const url = execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8" }).trim();
  const password = decodeURIComponent(new URL(url).password);
  const commands = [
    "SET greeting hello",
    "RPUSH queue:jobs a b c",
    ...Array.from({ length: 30 }, (_, i) => `HSET user:${i}:profile name user${i} plan free`),
    ...Array.from({ length: 5 }, (_, i) => `SET session:${i} token EX 3600`),
  ];
  execFileSync("docker", ["exec", "-i", datasourceName, "redis-cli", "--no-auth-warning", "-a", password], {
    input: `${commands.join("\n")}\n`,
    timeout: TIMEOUT_MS,
  });

  await click("project-schema-link");
  const users = await waitFor(driver, By.css('[data-testid="keyspace-group"][data-prefix="user:"]'), TIMEOUT_MS);
  assert.match(await renderedText(driver, users), /user:\s+30\s+hash 30/);
  const sessions = await waitFor(driver, By.css('[data-testid="keyspace-group"][data-prefix="session:"]'), TIMEOUT_MS);
  assert.match(await renderedText(driver, sessions), /100 %/, "every session key expires");
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("keyspace-summary"), TIMEOUT_MS)), /^37 keys in all/);
  await capture(driver, "keyspace-top");

  await users.findElement(By.css("button")).click();
  await (await waitFor(driver, By.css('[data-testid="keyspace-group"][data-prefix="user:7:"] button'), TIMEOUT_MS)).click();
  await (await waitFor(driver, By.css('[data-testid="keyspace-key"][data-key="user:7:profile"] button'), TIMEOUT_MS)).click();
  const value = await waitFor(driver, byTestId("keyspace-value"), TIMEOUT_MS);
  await driver.wait(async () => /user7/.test(await renderedText(driver, value)), TIMEOUT_MS, "the hash's fields are shown");
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("keyspace-value-meta"), TIMEOUT_MS)), /^hash · 2 fields · TTL none/);
  assert.match(await driver.getCurrentUrl(), /prefix=user%3A7%3A/, "the level is in the URL");
  await capture(driver, "keyspace-value");

  await (await waitFor(driver, By.xpath('//button[@data-testid="keyspace-crumb" and normalize-space()="All keys"]'), TIMEOUT_MS)).click();
  await (await waitFor(driver, By.css('[data-testid="keyspace-key"][data-key="greeting"] button'), TIMEOUT_MS)).click();
  await driver.wait(
    async () => /hello/.test(await renderedText(driver, await waitFor(driver, byTestId("keyspace-value"), TIMEOUT_MS))),
    TIMEOUT_MS,
    "the string's text is shown",
  );

  // The same server as a connection the app did not start: tested, added, browsed.
  await click("schema-add-connection");
  const kind = await waitFor(driver, byTestId("connection-kind"), TIMEOUT_MS);
  await kind.findElement(By.css('option[value="redis"]')).click();
  const tlsOptions = await driver.findElements(By.css('[data-testid="connection-tls"] option'));
  const offered = await Promise.all(tlsOptions.map((option) => option.getAttribute("value")));
  assert.deepEqual(offered, ["require", "verifyFull", "disable"], "Redis has no “prefer”");
  assert.equal((await driver.findElements(byTestId("connection-databaseName"))).length, 0, "Redis databases are numbered, not named");
  await (await waitFor(driver, byTestId("connection-name"), TIMEOUT_MS)).sendKeys("shared cache");
  await (await waitFor(driver, byTestId("connection-host"), TIMEOUT_MS)).sendKeys("127.0.0.1");
  await (await waitFor(driver, byTestId("connection-port"), TIMEOUT_MS)).sendKeys(new URL(url).port);
  await (await waitFor(driver, byTestId("connection-password"), TIMEOUT_MS)).sendKeys(password);
  await click("connection-test");
  assert.match(await renderedText(driver, await waitFor(driver, byTestId("connection-tested"), TIMEOUT_MS)), /Connected/);
  await click("connection-save");
  await waitUntilGone(driver, byTestId("add-connection-dialog"), "the form closes once the connection is kept");
  const picker = await waitFor(driver, byTestId("schema-db-picker"), TIMEOUT_MS);
  assert.match(await renderedText(driver, await picker.findElement(By.css("option:checked"))), /shared cache \(external redis\)/);
  await driver.wait(
    async () => /^37 keys in all/.test(await renderedText(driver, await waitFor(driver, byTestId("keyspace-summary"), TIMEOUT_MS))),
    TIMEOUT_MS,
    "the connection's keys are read",
  );
  await waitFor(driver, By.css('[data-testid="keyspace-group"][data-prefix="user:"]'), TIMEOUT_MS);
});
