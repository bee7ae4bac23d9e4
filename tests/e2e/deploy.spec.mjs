// Deploys in the real window: the fixture web app (tests/fixtures/deploy/web) declared as
// [deploy.preview] in its quantum.toml, deployed from the Deploy page with its stages and build
// log on screen, deployed again as v2, then rolled back to v1 from the history after a
// confirmation naming both versions. The published port answers each version in turn, and the
// live release's lines are on the project's Logs page, and what it serves on the Dashboard. Needs
// Docker and the local test images (testdb/web, testdb/haproxy).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { startFake } from "./fakeCi.mjs";
import { byTestId, capture, clickUncovered, openNewProject, renderedText, startApp, testSettings, waitFor, waitUntilGone } from "./harness.mjs";

const TIMEOUT_MS = 20_000;
const DEPLOY_TIMEOUT_MS = 120_000;
const fixture = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "deploy", "web");
const image = `qa-e2e-deploy-${process.pid}`;

let app;
let driver;
let folder;
let port;
let dockerConfig;
let kube;

const git = (...args) =>
  execFileSync("git", ["-C", folder, "-c", "user.name=E2E", "-c", "user.email=e2e@example.com", ...args], { stdio: "pipe" });

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "quantum-e2e-deploy-"));
  await cp(fixture, folder, { recursive: true });
  port = await freePort();
  await writeFile(
    join(folder, "quantum.toml"),
    `[project]
name = "deployshop"

[deploy.preview]
image = "${image}"
port = 8080
publish = ${port}
health_path = "/health"
health_timeout = 20
drain = 5
proxy_image = "testdb/haproxy:2.6"

[datasources.cache]
engine = "redis"
`,
  );
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "v1");
  git("tag", "v1");
  // The CLI's settings folder with one context besides the default, on this machine's daemon (as
  // the CLI stores it: under the SHA-256 of its name); none is current.
  dockerConfig = await mkdtemp(join(tmpdir(), "quantum-e2e-docker-"));
  const meta = join(dockerConfig, "contexts", "meta", createHash("sha256").update("e2e-local").digest("hex"));
  await mkdir(meta, { recursive: true });
  await writeFile(
    join(meta, "meta.json"),
    JSON.stringify({ Name: "e2e-local", Metadata: { Description: "this machine" }, Endpoints: { docker: { Host: "unix:///var/run/docker.sock" } } }),
  );
  // A kubeconfig whose context reaches the local fake of a Kubernetes API server.
  kube = await startFake("kube-server.mjs");
  await writeFile(
    join(dockerConfig, "kubeconfig"),
    `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster: { server: '${kube.url}' }\ncontexts:\n- name: e2e-kube\n  context: { cluster: fake, user: tester, namespace: apps }\nusers:\n- name: tester\n  user: { token: fake-token }\n`,
  );
  app = await startApp({ settings: testSettings, env: { DOCKER_CONFIG: dockerConfig, KUBECONFIG: join(dockerConfig, "kubeconfig") } });
  driver = app.driver;
});

after(async () => {
  await app?.close();
  await kube?.stop();
  // What the deploys left on the engine: the proxy, the releases, their network and images.
  const docker = (...args) => execFileSync("docker", args, { encoding: "utf8" }).split(/\s+/).filter(Boolean);
  const containers = docker("ps", "-aq", "--filter", "label=app.quantumadmin.environment=preview");
  if (containers.length > 0) docker("rm", "-f", ...containers);
  const networks = docker("network", "ls", "-q", "--filter", "label=app.quantumadmin.environment=preview");
  if (networks.length > 0) docker("network", "rm", ...networks);
  const volumes = docker("volume", "ls", "-q", "--filter", "label=app.quantumadmin.environment=preview");
  if (volumes.length > 0) docker("volume", "rm", ...volumes);
  // By tag: the same image may carry tags of other runs (a cached build), which stay.
  const tags = docker("images", "--format", "{{.Repository}}:{{.Tag}}", image);
  if (tags.length > 0) docker("rmi", ...tags);
  await rm(folder, { recursive: true, force: true });
  await rm(dockerConfig, { recursive: true, force: true });
});

/** Clicks, waiting out a toast that covers the element for a moment. */
async function click(locator) {
  await clickUncovered(driver, await waitFor(driver, locator, TIMEOUT_MS), TIMEOUT_MS);
}

/** What the environment's published port answers on `/`. */
async function served() {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return `${response.status} ${(await response.text()).trim()}`;
}

/** Closes the ended run's panel (its first button), so that the next run's outcome is awaited. */
const closeRun = () => click(By.css('[data-testid="deploy-run"] button'));

/** Waits until the run on screen ends, and says how. */
async function runEnds() {
  const outcome = () => driver.executeScript('return document.querySelector(\'[data-testid="deploy-run"]\')?.dataset.outcome ?? null;');
  let last = null;
  await driver.wait(async () => ["live", "failed"].includes((last = await outcome())), DEPLOY_TIMEOUT_MS).catch((error) => {
    throw new Error(`the deploy did not end; its state: ${last}`, { cause: error });
  });
  if (last === "failed") {
    const why = await renderedText(driver, await waitFor(driver, byTestId("deploy-error"), TIMEOUT_MS));
    throw new Error(`the deploy failed: ${why}`);
  }
}

const liveVersion = async () => renderedText(driver, await waitFor(driver, byTestId("deploy-live-version"), TIMEOUT_MS));

test("a project is deployed with its build log on screen, deployed again, and rolled back from the history", async () => {
  await openNewProject(driver, "deployshop", folder);
  await click(byTestId("project-deploy-link"));
  await waitFor(driver, By.css('[data-testid="deploy-environment"][data-environment="preview"]'), TIMEOUT_MS);
  assert.equal(await liveVersion(), "Nothing yet");

  await click(byTestId("deploy-start"));
  await runEnds();
  const logText = await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="deploy-log-line"]\')].map((line) => line.textContent).join("\\n");',
  );
  assert.match(logText, /Healthy after [0-9.]+ s; switching traffic to it/, "the release's log is on screen");
  await capture(driver, "deploy-v1-live");
  assert.equal(await served(), "200 v1");
  await driver.wait(async () => (await liveVersion()) === "v1", TIMEOUT_MS, "the environment shows v1 serving");

  await writeFile(join(folder, "site", "index.html"), "v2\n");
  git("commit", "-qam", "v2");
  git("tag", "v2");
  await closeRun();
  await click(byTestId("deploy-start"));
  await runEnds();
  assert.equal(await served(), "200 v2");
  await driver.wait(async () => (await liveVersion()) === "v2", TIMEOUT_MS, "the environment shows v2 serving");

  // What changed from v1 to v2: the version and the image, nothing of the settings.
  await click(By.css('[data-testid="deploy-release"][data-version="v2"] [data-testid="deploy-release-diff"]'));
  const diff = await renderedText(driver, await waitFor(driver, byTestId("deploy-diff"), TIMEOUT_MS));
  assert.match(diff, /Version\s+v1\s+v2/);
  assert.match(diff, /Image\s+qa-e2e-deploy-\d+:v1\s+qa-e2e-deploy-\d+:v2/);
  assert.doesNotMatch(diff, /Published port/);
  await click(By.css('[data-testid="deploy-diff-dialog"] button[aria-label="Close"]'));
  await waitUntilGone(driver, byTestId("deploy-diff-dialog"), "the diff closes");

  // v1 is kept: one click on its row, and a confirmation naming both versions.
  await closeRun();
  await click(By.css('[data-testid="deploy-release"][data-version="v1"][data-status="replaced"] [data-testid="deploy-rollback"]'));
  const dialog = await waitFor(driver, byTestId("deploy-rollback-dialog"), TIMEOUT_MS);
  const question = await renderedText(driver, dialog);
  assert.match(question, /Roll back preview to v1\?/);
  assert.match(question, /v2 serves preview now/);
  await click(byTestId("deploy-rollback-confirm"));
  await runEnds();
  assert.equal(await served(), "200 v1");
  await driver.wait(async () => (await liveVersion()) === "v1", TIMEOUT_MS, "the environment shows v1 serving again");
  await capture(driver, "deploy-rolled-back");

  // The live release is a source of the project's one log.
  await click(byTestId("project-logs-link"));
  const releaseLine = () =>
    driver.executeScript(
      `return [...document.querySelectorAll('[data-testid="logs-line"]')].some((line) =>
         line.querySelector('[data-testid="logs-line-source"]').textContent === "preview (v1)" &&
         line.querySelector('.logs-text').textContent.includes("serving v1"));`,
    );
  await driver.wait(releaseLine, TIMEOUT_MS, "the Logs page shows the live release's lines");

  // The Dashboard lists what each project serves.
  await click(byTestId("nav-dashboard"));
  const serving = await waitFor(driver, By.css('[data-testid="dashboard-deploy"][data-environment="preview"]'), TIMEOUT_MS);
  assert.match(await renderedText(driver, serving), /deployshop · preview\s+v1/);
});

test("an environment's Docker target is chosen among the contexts, written to quantum.toml and connected to", async () => {
  // From the Dashboard, where the test before ends: its Deploys panel links to the Deploy page.
  await click(By.css('[data-testid="dashboard-deploy"][data-environment="preview"] a'));
  await click(byTestId("deploy-target"));
  await waitFor(driver, byTestId("deploy-target-dialog"), TIMEOUT_MS);

  // A typed address is checked before anything is written.
  await click(byTestId("deploy-target-kind-host"));
  const address = await waitFor(driver, byTestId("deploy-target-host"), TIMEOUT_MS);
  await address.sendKeys("server:22");
  await click(byTestId("deploy-target-save"));
  const problem = await waitFor(driver, By.css('[data-testid="deploy-target-dialog"] .field-error'), TIMEOUT_MS);
  assert.match(await renderedText(driver, problem), /ssh:\/\/user@host/);

  await click(byTestId("deploy-target-kind-context"));
  await click(By.css('[data-testid="deploy-target-context"] option[value="e2e-local"]'));
  await click(byTestId("deploy-target-save"));
  const connected = await waitFor(driver, byTestId("deploy-target-connected"), DEPLOY_TIMEOUT_MS);
  assert.match(await renderedText(driver, connected), /Connected: Docker from context e2e-local: unix:\/\/\/var\/run\/docker\.sock/);
  const written = await readFile(join(folder, "quantum.toml"), "utf8");
  assert.match(written, /\[deploy\.preview\][\s\S]*docker_context = "e2e-local"/);
  assert.match(written, /proxy_image = "testdb\/haproxy:2\.6"/, "the rest of the table stays");
  await capture(driver, "deploy-target-context");
  await click(By.css('[data-testid="deploy-target-dialog"] button[aria-label="Close"]'));
  const label = () => driver.executeScript('return document.querySelector(\'[data-testid="deploy-target-label"]\')?.textContent ?? null;');
  await driver.wait(async () => (await label()) === "Docker context e2e-local", TIMEOUT_MS, "the card names the context");

  // Back to this machine: the target keys go.
  await click(byTestId("deploy-target"));
  await click(byTestId("deploy-target-kind-local"));
  await click(byTestId("deploy-target-save"));
  await waitFor(driver, byTestId("deploy-target-connected"), DEPLOY_TIMEOUT_MS);
  assert.doesNotMatch(await readFile(join(folder, "quantum.toml"), "utf8"), /docker_context/);
});

test("an environment's own datasource is ticked in its Datasources dialog, written to quantum.toml, and started on its engine", async () => {
  // The test before ends with its dialog open, connected.
  if ((await driver.findElements(byTestId("deploy-target-dialog"))).length > 0) {
    await click(By.css('[data-testid="deploy-target-dialog"] button[aria-label="Close"]'));
    await waitUntilGone(driver, byTestId("deploy-target-dialog"), "the dialog closes", TIMEOUT_MS);
  }
  await click(byTestId("deploy-datasources"));
  await waitFor(driver, byTestId("deploy-datasources-dialog"), TIMEOUT_MS);
  const cache = By.css('[data-testid="deploy-datasource-choice"][data-name="cache"] input');
  await click(cache);
  await click(byTestId("deploy-datasources-save"));
  await driver.wait(
    async () => /\[deploy\.preview\][\s\S]*datasources = \["cache"\]/.test(await readFile(join(folder, "quantum.toml"), "utf8")),
    TIMEOUT_MS,
    "quantum.toml lists the datasource in the environment's table",
  );
  const state = () => driver.executeScript('return document.querySelector(\'[data-testid="deploy-datasource-state"]\')?.textContent ?? null;');
  await driver.wait(async () => /not made yet/.test((await state()) ?? ""), TIMEOUT_MS, "the engine has not got it yet");

  await click(byTestId("deploy-datasources-start"));
  await driver.wait(async () => /running/.test((await state()) ?? ""), DEPLOY_TIMEOUT_MS, "it runs on the environment's engine");
  const running = execFileSync("docker", ["ps", "--filter", "label=app.quantumadmin.environment-datasource=cache", "--filter", "label=app.quantumadmin.environment=preview", "--format", "{{.Names}}"], {
    encoding: "utf8",
  });
  assert.match(running, /-preview-ds-cache/);
  await capture(driver, "deploy-datasources");
  await click(By.css('[data-testid="deploy-datasources-dialog"] button[aria-label="Close"]'));
  await waitUntilGone(driver, byTestId("deploy-datasources-dialog"), "the dialog closes", TIMEOUT_MS);
  const listed = await renderedText(driver, await waitFor(driver, byTestId("deploy-datasources-listed"), TIMEOUT_MS));
  assert.match(listed, /^cache run beside its releases/);

  // Taken out again (a cluster, next, runs none): the key goes, the container stays on the
  // engine, shown apart, until removed with its data after a confirmation.
  await click(byTestId("deploy-datasources"));
  await click(cache);
  await click(byTestId("deploy-datasources-save"));
  await driver.wait(
    async () => !/datasources =/.test(await readFile(join(folder, "quantum.toml"), "utf8")),
    TIMEOUT_MS,
    "the key goes from quantum.toml",
  );
  const left = By.css('[data-testid="deploy-datasource-left"][data-name="cache"]');
  await click(By.css('[data-testid="deploy-datasource-left"][data-name="cache"] [data-testid="deploy-datasource-remove"]'));
  const confirm = await waitFor(driver, byTestId("deploy-datasource-confirm"), TIMEOUT_MS);
  await click(By.css('[data-testid="deploy-datasource-confirm"] input[type="checkbox"]'));
  assert.match(await renderedText(driver, confirm), /Also delete its data \(volume qa-\w+-p\d+-preview-ds-cache-data\)/);
  await click(byTestId("deploy-datasource-remove-confirm"));
  await waitUntilGone(driver, left, "the removed datasource leaves the list", TIMEOUT_MS);
  const leftovers = execFileSync("docker", ["volume", "ls", "-q", "--filter", "label=app.quantumadmin.environment-datasource=cache", "--filter", "label=app.quantumadmin.environment=preview"], { encoding: "utf8" });
  assert.equal(leftovers.trim(), "", "its data volume is gone");
  await click(By.css('[data-testid="deploy-datasources-dialog"] button[aria-label="Close"]'));
  await waitUntilGone(driver, byTestId("deploy-datasources-dialog"), "the dialog closes", TIMEOUT_MS);
});

test("an environment is pointed at a Kubernetes cluster among the kubeconfig's contexts, and connected to", async () => {
  // The test before ends with its dialog open, connected.
  if ((await driver.findElements(byTestId("deploy-target-dialog"))).length > 0) {
    await click(By.css('[data-testid="deploy-target-dialog"] button[aria-label="Close"]'));
    await waitUntilGone(driver, byTestId("deploy-target-dialog"), "the dialog closes", TIMEOUT_MS);
  }
  await click(byTestId("deploy-target"));
  await waitFor(driver, byTestId("deploy-target-dialog"), TIMEOUT_MS);
  await click(byTestId("deploy-target-kind-kubernetes"));
  // The context's own namespace is what an empty field means.
  const option = await waitFor(driver, By.css('[data-testid="deploy-target-kube-context"] option[value="e2e-kube"]'), TIMEOUT_MS);
  await option.click();
  const namespace = await waitFor(driver, byTestId("deploy-target-namespace"), TIMEOUT_MS);
  assert.equal(await namespace.getAttribute("placeholder"), "apps");
  await namespace.sendKeys("Shop");
  await click(byTestId("deploy-target-save"));
  const problem = await waitFor(driver, By.css('[data-testid="deploy-target-dialog"] .field-error'), TIMEOUT_MS);
  assert.match(await renderedText(driver, problem), /lowercase letters/);
  await namespace.clear();
  await namespace.sendKeys("shop");
  await click(byTestId("deploy-target-save"));
  const connected = await waitFor(driver, byTestId("deploy-target-connected"), DEPLOY_TIMEOUT_MS);
  assert.match(await renderedText(driver, connected), /Connected: e2e-kube \(namespace shop\)/);
  const written = await readFile(join(folder, "quantum.toml"), "utf8");
  assert.match(written, /kube_context = "e2e-kube"/);
  assert.match(written, /kube_namespace = "shop"/);
  assert.doesNotMatch(written, /proxy_image|docker_context/, "the Docker target's keys go");
  await click(By.css('[data-testid="deploy-target-dialog"] button[aria-label="Close"]'));
  const label = () => driver.executeScript('return document.querySelector(\'[data-testid="deploy-target-label"]\')?.textContent ?? null;');
  await driver.wait(
    async () => (await label()) === "context e2e-kube · namespace shop · 1 × ClusterIP Service",
    TIMEOUT_MS,
    "the card names the cluster",
  );
  // The release serving now runs where the environment deployed before: the card says so.
  const elsewhere = await renderedText(driver, await waitFor(driver, byTestId("deploy-live-elsewhere"), TIMEOUT_MS));
  assert.match(elsewhere, /^on .+, the target before: the next deploy starts on this one$/);
  await capture(driver, "deploy-target-kubernetes");
});
