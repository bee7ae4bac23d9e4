// What the app leaves on disk: its database and a log file in QUANTUM_DATA_DIR, nothing elsewhere.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { startApp, waitFor } from "./harness.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.close();
});

test("the app keeps its database and its logs in the data dir", async () => {
  await waitFor(app.driver, By.css("nav"));
  const files = await readdir(app.dataDir);
  assert.ok(files.includes("quantum-admin.sqlite3"), `data dir holds ${files.join(", ")}`);
  const logs = await readdir(join(app.dataDir, "logs"));
  const log = logs.find((name) => /^quantum-admin\..*log$/.test(name));
  assert.ok(log, `log dir holds ${logs.join(", ")}`);
  const text = await readFile(join(app.dataDir, "logs", log), "utf8");
  assert.match(text, /INFO .*starting/);
  assert.match(text, /store opened/);
});
