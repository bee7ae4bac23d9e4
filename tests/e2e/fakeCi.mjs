// The local fake of GitHub's and GitLab's CI APIs (tests/fakes/ci-server.mjs) for specs and
// benches: started on a free port, driven through its control API, stopped with the spec.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const script = join(dirname(fileURLToPath(import.meta.url)), "..", "fakes", "ci-server.mjs");

/** @returns {Promise<{url: string, post: (path: string, body?: object) => Promise<any>, get: (path: string) => Promise<any>, stop: () => Promise<void>}>} */
export async function startFakeCi() {
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = await once(createInterface({ input: child.stdout }), "line");
  const url = line.replace(/^listening /, "");
  const call = async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    url,
    post: (path, body = {}) => call("POST", path, body),
    get: (path) => call("GET", path),
    async stop() {
      child.kill();
      await once(child, "exit");
    },
  };
}
