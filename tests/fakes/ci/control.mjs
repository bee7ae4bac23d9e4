// The control API under /_fake: tests reset the scenario, add tokens, move runs and pipelines,
// squeeze rate limits, cut the network and read what the fake received. No auth, JSON both ways.

import { compile, fakeSha, parseJson, refreshRate } from "./util.mjs";
import {
  USERS, createRun, findWorkflow, finishRun, queueRun, runJobs, startRun,
} from "./github-model.mjs";
import { createPipeline, findProject, pipelineJobs, setPipelineState } from "./gitlab-model.mjs";

class BadRequest extends Error {}
/** A 201 answer; any other value a handler returns is a 200 body. */
class Created {
  constructor(body) {
    this.body = body;
  }
}
const bad = (message) => {
  throw new BadRequest(message);
};
const oneOf = (value, allowed, name) => {
  if (!allowed.includes(value)) bad(`${name} must be one of ${allowed.join(", ")}`);
  return value;
};

function runSummary(g, run) {
  const jobs = runJobs(g, run).map((job) => ({ id: job.id, name: job.def.name, status: job.status, conclusion: job.conclusion }));
  return { id: run.id, run_number: run.run_number, run_attempt: run.run_attempt, status: run.status, conclusion: run.conclusion, jobs };
}

function pipelineSummary(l, p) {
  const jobs = pipelineJobs(l, p).map((job) => ({ id: job.id, name: job.name, stage: job.stage, status: job.status }));
  return { id: p.id, iid: p.iid, status: p.status, jobs };
}

/** Names in failJobs must be jobs of the run or pipeline. */
function checkNames(failJobs, names) {
  if (failJobs === undefined) return [];
  if (!Array.isArray(failJobs)) bad("failJobs must be an array of job names");
  const unknown = failJobs.filter((name) => !names.includes(name));
  if (unknown.length) bad(`no such job: ${unknown.join(", ")} (jobs: ${names.join(", ")})`);
  return failJobs;
}

function githubUser(login) {
  // An actor the seed does not know is made up on the spot.
  USERS[login] ??= { login, id: 40000000 + (Number.parseInt(fakeSha(login).slice(0, 6), 16) % 9999999), node_id: `U_kgDO${Buffer.from(login).toString("base64url").slice(0, 6)}`, type: "User", name: login, email: `${login}@users.noreply.github.com` };
  return login;
}

const ROUTES = [
  ["POST", "/_fake/reset", (s) => {
    s.reset();
    return { ok: true };
  }],
  ["POST", "/_fake/tokens", (s, _, body) => {
    const provider = oneOf(body.provider, ["github", "gitlab"], "provider");
    if (typeof body.token !== "string" || !body.token) bad("token must be a non-empty string");
    if (!Array.isArray(body.scopes)) bad("scopes must be an array");
    if (provider === "github") s.github.tokens.set(body.token, { scopes: body.scopes, user: "octocat" });
    else s.gitlab.tokens.set(body.token, { scopes: body.scopes, user: "jdoe", id: (s.gitlab.nextTokenId += 1), name: body.name ?? "test token" });
    return { ok: true };
  }],
  ["POST", "/_fake/github/runs", (s, _, body) => {
    const g = s.github;
    const repo = g.repos.get(body.repo ?? "acme/shop");
    if (!repo) bad(`no such repository: ${body.repo}`);
    const wf = findWorkflow(g, repo.full_name, body.workflow ?? "ci.yml");
    if (!wf) bad(`no such workflow in ${repo.full_name}: ${body.workflow}`);
    const branch = body.branch ?? repo.default_branch;
    repo.branches[branch] ??= { sha: fakeSha(`${repo.full_name} ${branch} ${Date.now()}`), message: `Update ${branch}` };
    const run = createRun(g, {
      repo: repo.full_name, workflow: wf, branch, sha: body.sha ?? repo.branches[branch].sha, event: body.event ?? "push",
      actor: githubUser(body.actor ?? "octocat"), message: repo.branches[branch].message,
    });
    return new Created(runSummary(g, run));
  }],
  ["POST", "/_fake/github/runs/:id/state", (s, params, body) => {
    const g = s.github;
    const run = g.runs.get(Number(params.id));
    if (!run) bad(`no such run: ${params.id}`);
    const status = oneOf(body.status, ["queued", "in_progress", "completed"], "status");
    const names = runJobs(g, run).map((job) => job.def.name);
    const failJobs = checkNames(body.failJobs, names);
    if (status === "queued") queueRun(g, run);
    if (status === "in_progress") startRun(g, run);
    if (status === "completed") {
      const conclusion = oneOf(body.conclusion ?? "success", ["success", "failure", "cancelled"], "conclusion");
      finishRun(g, run, conclusion, failJobs, { end: Date.now() });
    }
    return runSummary(g, run);
  }],
  ["POST", "/_fake/gitlab/pipelines", (s, _, body) => {
    const l = s.gitlab;
    const project = findProject(l, String(body.project ?? "acme/platform/shop"));
    if (!project) bad(`no such project: ${body.project}`);
    const ref = body.ref ?? project.default_branch;
    project.branches[ref] ??= { sha: fakeSha(`${project.path} ${ref} ${Date.now()}`), message: `Update ${ref}` };
    const p = createPipeline(l, { project: project.id, ref, source: body.source ?? "push", sha: body.sha });
    return new Created(pipelineSummary(l, p));
  }],
  ["POST", "/_fake/gitlab/pipelines/:id/state", (s, params, body) => {
    const l = s.gitlab;
    const p = l.pipelines.get(Number(params.id));
    if (!p) bad(`no such pipeline: ${params.id}`);
    const status = oneOf(body.status, ["created", "pending", "running", "success", "failed", "canceled"], "status");
    const failJobs = checkNames(body.failJobs, pipelineJobs(l, p).map((job) => job.name));
    setPipelineState(l, p, status, failJobs, { end: Date.now() });
    return pipelineSummary(l, p);
  }],
  ["POST", "/_fake/rate-limit", (s, _, body) => {
    const rate = s[oneOf(body.provider, ["github", "gitlab"], "provider")].rate;
    refreshRate(rate);
    if (body.limit !== undefined) Object.assign(rate, { limit: body.limit, remaining: Math.min(rate.remaining, body.limit) });
    if (body.remaining !== undefined) rate.remaining = body.remaining;
    if (body.resetIn !== undefined) rate.reset = Math.floor(Date.now() / 1000) + body.resetIn;
    return { limit: rate.limit, remaining: rate.remaining, reset: rate.reset };
  }],
  ["POST", "/_fake/network", (s, _, body) => {
    if (typeof body.up !== "boolean") bad("up must be true or false");
    s.network = body.up;
    return { up: s.network };
  }],
  ["GET", "/_fake/stats", (s) => s.stats],
  ["POST", "/_fake/stats/reset", (s) => {
    s.clearStats();
    return { ok: true };
  }],
  ["GET", "/_fake/requests", (s) => s.requests],
  ["GET", "/_fake/dispatches", (s) => s.github.dispatches],
].map(([method, pattern, handler]) => ({ method, match: compile(pattern), handler }));

/** Answers a control request: [status, body]. */
export function handleControl(state, method, url, text) {
  for (const route of ROUTES) {
    const params = route.match(url.pathname);
    if (!params) continue;
    if (route.method !== method) return [405, { error: `use ${route.method}` }];
    const body = method === "POST" ? parseJson(text) : {};
    if (!body) return [400, { error: "the body must be a JSON object" }];
    try {
      const result = route.handler(state, params, body);
      return result instanceof Created ? [201, result.body] : [200, result];
    } catch (error) {
      if (error instanceof BadRequest) return [400, { error: error.message }];
      throw error;
    }
  }
  return [404, { error: `no control endpoint ${method} ${url.pathname}` }];
}
