// The local fakes of outside APIs (tests/fakes) for specs and benches — GitHub's and GitLab's CI
// APIs (ci-server.mjs), a Kubernetes API server (kube-server.mjs): started on a free port,
// driven through their control API, stopped with the spec.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const fakes = join(dirname(fileURLToPath(import.meta.url)), "..", "fakes");

export const startFakeCi = () => startFake("ci-server.mjs");

/** @returns {Promise<{url: string, post: (path: string, body?: object) => Promise<any>, get: (path: string) => Promise<any>, stop: () => Promise<void>}>} */
export async function startFake(name) {
  const child = spawn(process.execPath, [join(fakes, name)], { stdio: ["ignore", "pipe", "inherit"] });
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
