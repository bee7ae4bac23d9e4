#!/usr/bin/env node
// A local fake of the GitHub Actions and GitLab CI REST APIs the app's CI feature uses, for the
// Rust integration tests and the E2E tests. Node built-ins only. See tests/fakes/README.md.
//
//   node tests/fakes/ci-server.mjs [--port N] [--verbose]
//
// Prints one line, "listening http://127.0.0.1:PORT", once it listens; logs go to stderr only
// with --verbose.

import http from "node:http";
import { parseArgs } from "node:util";
import { handleControl } from "./ci/control.mjs";
import { githubBlob, handleGithub } from "./ci/github.mjs";
import { seedGithub } from "./ci/github-model.mjs";
import { handleGitlab } from "./ci/gitlab.mjs";
import { seedGitlab } from "./ci/gitlab-model.mjs";
import { readBody } from "./ci/util.mjs";

const { values: args } = parseArgs({ options: { port: { type: "string", default: "0" }, verbose: { type: "boolean", default: false } } });
const log = (...parts) => args.verbose && console.error("[ci-fake]", ...parts);
const REQUEST_LOG = 500;

const zeroStats = () => ({
  github: { requests: 0, notModified: 0, errors: 0, dropped: 0 },
  gitlab: { requests: 0, notModified: 0, errors: 0, dropped: 0 },
});

const state = {
  network: true,
  requests: [],
  stats: zeroStats(),
  reset() {
    Object.assign(this, { github: seedGithub(), gitlab: seedGitlab(), network: true, requests: [], stats: zeroStats() });
  },
  clearStats() {
    Object.assign(this, { requests: [], stats: zeroStats() });
  },
};
state.reset();

/** Which part of the fake a path belongs to. */
function providerOf(path) {
  if (path.startsWith("/_fake/blobs/")) return "blob";
  if (path === "/_fake" || path.startsWith("/_fake/")) return "control";
  if (path === "/api/v4" || path.startsWith("/api/v4/")) return "gitlab";
  return "github";
}

function record(req, provider, status) {
  if (provider === "control") return;
  state.requests.push({
    method: req.method, path: req.url, status, provider,
    ifNoneMatch: req.headers["if-none-match"] !== undefined, authorization: req.headers.authorization !== undefined || req.headers["private-token"] !== undefined,
    at: Date.now(),
  });
  if (state.requests.length > REQUEST_LOG) state.requests.splice(0, state.requests.length - REQUEST_LOG);
  const stats = state.stats[provider];
  if (!stats) return;
  stats.requests += 1;
  if (status === 0) stats.dropped += 1;
  if (status === 304) stats.notModified += 1;
  if (status >= 400) stats.errors += 1;
}

function send(res, { status, headers, body }) {
  if (body != null) headers["Content-Length"] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body ?? undefined);
}

async function serve(req, res) {
  const host = req.headers.host ?? `127.0.0.1:${server.address().port}`;
  const base = `http://${host}`;
  const url = new URL(req.url, base);
  const provider = providerOf(url.pathname);
  // With the network "down" the connection is reset before any answer, as when it is gone;
  // the blob URLs stand for the providers' storage and go down with them.
  if (!state.network && provider !== "control") {
    record(req, provider, 0);
    log(req.method, req.url, "dropped");
    if (typeof req.socket.resetAndDestroy === "function") req.socket.resetAndDestroy();
    else req.socket.destroy();
    return;
  }
  const body = await readBody(req);
  let response;
  if (provider === "control") {
    const [status, json] = handleControl(state, req.method, url, body);
    response = { status, headers: { "Content-Type": "application/json" }, body: JSON.stringify(json) };
  } else if (provider === "blob") {
    response = githubBlob(state.github, url.pathname.slice("/_fake/blobs/github/".length));
  } else {
    const ctx = { req, url, method: req.method, base, body };
    response = provider === "gitlab" ? handleGitlab(state.gitlab, ctx) : handleGithub(state.github, ctx);
  }
  record(req, provider, response.status);
  log(req.method, req.url, response.status);
  send(res, response);
}

const server = http.createServer((req, res) => {
  serve(req, res).catch((error) => {
    // A bug in the fake: say so in the answer, where the failing test will show it.
    log(error.stack);
    if (!res.headersSent) send(res, { status: 500, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ message: `ci fake: ${error.message}` }) });
  });
});

// Idle connections are kept for a minute, as GitHub's front ends do: node's default of 5 s races
// the app's reuse of a pooled connection between two checks of an open CI page.
server.keepAliveTimeout = 65_000;

server.on("error", (error) => {
  console.error(`ci fake: ${error.message}`);
  process.exit(1);
});
server.listen(Number(args.port), "127.0.0.1", () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
