// GitHub's REST API (the Actions part the app uses), served at the root as api.github.com is.

import { randomBytes } from "node:crypto";
import {
  compile, etagMatches, etagOf, refreshRate, fakeSha, isoSec, nodeId, pageParams, pageUrl, parseJson, render, zip,
} from "./util.mjs";
import {
  USERS, cancelRun, checkInputs, createRun, findWorkflow, rerunRun, runJobs, workflowOf,
} from "./github-model.mjs";
import { githubJobLog } from "./logs.mjs";

const DOCS = "https://docs.github.com/rest";
const STATUSES = ["queued", "in_progress", "completed", "requested", "waiting", "pending"];

/** An answer; `fail` throws one so a handler can stop anywhere. */
const reply = (status, body, headers = {}) => ({ status, body, headers });
class Refusal extends Error {
  constructor(response) {
    super(`HTTP ${response.status}`);
    this.response = response;
  }
}
const fail = (status, message, doc = DOCS) => {
  throw new Refusal(reply(status, { message, documentation_url: doc, status: String(status) }));
};

// ---- payloads -------------------------------------------------------------------------------

const user = (key, api) => render("github/simple-user", { ...USERS[key], api });

function repository(repo, api, full = false) {
  const vars = {
    ...repo, api, owner: user(repo.owner, api), visibility: repo.private ? "private" : "public",
    created_at: isoSec(repo.created_at), updated_at: "2026-11-28T13:27:55Z", pushed_at: "2026-11-28T13:27:49Z",
  };
  return render(full ? "github/repository" : "github/minimal-repository", vars);
}

function workflowPayload(g, wf, api) {
  const repo = g.repos.get(wf.repo);
  return render("github/workflow", {
    ...wf, api, full_name: repo.full_name, default_branch: repo.default_branch, badge_name: encodeURIComponent(wf.name),
    created_at: isoSec(wf.created_at), updated_at: isoSec(wf.updated_at),
  });
}

function runPayload(g, run, api, attempt = run) {
  const repo = g.repos.get(run.repo);
  const wf = workflowOf(g, run);
  const author = USERS[run.actor];
  const n = attempt.run_attempt;
  return render("github/workflow-run", {
    api, full_name: repo.full_name, id: run.id, name: wf.name, node_id: nodeId("WFR", run.id), head_branch: run.head_branch,
    head_sha: run.head_sha, path: wf.path, display_title: run.event === "workflow_dispatch" ? wf.name : run.message,
    run_number: run.run_number, event: run.event, status: attempt.status, conclusion: attempt.conclusion, workflow_id: wf.id,
    check_suite_id: run.check_suite_id, check_suite_node_id: nodeId("CS", run.check_suite_id),
    created_at: isoSec(run.created_at), updated_at: isoSec(attempt.updated_at), actor: user(run.actor, api), run_attempt: n,
    run_started_at: isoSec(attempt.run_started_at), triggering_actor: user(run.triggering_actor, api),
    previous_attempt_url: n > 1 ? `${api}/repos/${repo.full_name}/actions/runs/${run.id}/attempts/${n - 1}` : null,
    tree_id: fakeSha(`tree ${run.head_sha}`), message: run.message, commit_timestamp: isoSec(run.commit_at),
    author: { name: author.name, email: author.email }, committer: { name: "GitHub", email: "noreply@github.com" },
    repository: repository(repo, api),
  });
}

function jobPayload(g, job, api) {
  const run = g.runs.get(job.run_id);
  const step = (s) => ({ name: s.name, status: s.status, conclusion: s.conclusion, number: s.number, started_at: isoMsZ(s.started_at), completed_at: isoMsZ(s.completed_at) });
  return render("github/job", {
    api, full_name: run.repo, id: job.id, run_id: run.id, workflow_name: workflowOf(g, run).name, head_branch: run.head_branch,
    run_attempt: job.run_attempt, node_id: nodeId("CR", job.id), head_sha: run.head_sha, status: job.status, conclusion: job.conclusion,
    created_at: isoSec(job.created_at), started_at: isoSec(job.started_at), completed_at: isoSec(job.completed_at), name: job.def.name,
    steps: job.steps.map(step), labels: ["ubuntu-latest"], runner_id: job.runner?.id ?? null, runner_name: job.runner?.name ?? null,
    runner_group_id: job.runner ? 0 : null, runner_group_name: job.runner ? "GitHub Actions" : null,
  });
}

// Steps carry milliseconds in GitHub's answers ("…T09:42:40.000Z"); jobs and runs do not.
const isoMsZ = (ms) => (ms == null ? null : new Date(ms).toISOString());

function artifactPayload(g, artifact, api) {
  const run = g.runs.get(artifact.run_id);
  const repo = g.repos.get(artifact.repo);
  return render("github/artifact", {
    api, full_name: repo.full_name, id: artifact.id, node_id: nodeId("A", artifact.id), name: artifact.name, size_in_bytes: artifact.size,
    expired: false, digest: artifact.digest, created_at: isoSec(artifact.created_at), expires_at: isoSec(artifact.created_at + 90 * 24 * 3600 * 1000),
    run_id: run.id, repository_id: repo.id, head_branch: run.head_branch, head_sha: run.head_sha,
  });
}

// ---- handlers -------------------------------------------------------------------------------

/** The repository, if this token may see (or, for writes, change) it. */
function access(g, ctx, write) {
  const repo = g.repos.get(`${ctx.params.owner}/${ctx.params.repo}`.toLowerCase());
  if (!repo) fail(404, "Not Found", ctx.doc);
  if (repo.private && !ctx.auth.scopes.includes("repo")) {
    // GitHub hides a private repository from reads and refuses writes.
    if (write) fail(403, "Resource not accessible by personal access token", ctx.doc);
    fail(404, "Not Found", ctx.doc);
  }
  return repo;
}

function runOf(g, ctx, repo) {
  const run = g.runs.get(Number(ctx.params.run));
  if (!run || run.repo !== repo.full_name) fail(404, "Not Found", ctx.doc);
  return run;
}

function jobOf(g, ctx, repo) {
  const job = g.jobs.get(Number(ctx.params.job));
  if (!job || g.runs.get(job.run_id).repo !== repo.full_name) fail(404, "Not Found", ctx.doc);
  return job;
}

/** One page of items with GitHub's Link header (next/last, prev/first where they apply). */
function paged(ctx, items, perPageDefault = 30) {
  const { page, perPage } = pageParams(ctx.url.searchParams, perPageDefault);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const links = [];
  if (page < last) links.push(`<${pageUrl(ctx.base, ctx.url, page + 1)}>; rel="next"`, `<${pageUrl(ctx.base, ctx.url, last)}>; rel="last"`);
  if (page > 1) links.push(`<${pageUrl(ctx.base, ctx.url, Math.min(page - 1, last))}>; rel="prev"`, `<${pageUrl(ctx.base, ctx.url, 1)}>; rel="first"`);
  return { items: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { Link: links.join(", ") } : {} };
}

function listRuns(g, ctx) {
  const repo = access(g, ctx, false);
  let wf = null;
  if (ctx.params.workflow) {
    wf = findWorkflow(g, repo.full_name, ctx.params.workflow);
    if (!wf) fail(404, "Not Found", ctx.doc);
  }
  const q = ctx.url.searchParams;
  const status = q.get("status");
  const runs = [...g.runs.values()]
    .filter((run) => run.repo === repo.full_name && (!wf || run.workflowId === wf.id))
    .filter((run) => !q.get("branch") || run.head_branch === q.get("branch"))
    .filter((run) => !q.get("event") || run.event === q.get("event"))
    .filter((run) => !q.get("actor") || run.actor === q.get("actor"))
    .filter((run) => !q.get("head_sha") || run.head_sha === q.get("head_sha"))
    // GitHub takes a status or a conclusion in the one parameter.
    .filter((run) => !status || (STATUSES.includes(status) ? run.status === status : run.conclusion === status))
    .sort((a, b) => b.created_at - a.created_at || b.id - a.id);
  const page = paged(ctx, runs);
  return reply(200, { total_count: runs.length, workflow_runs: page.items.map((run) => runPayload(g, run, ctx.base)) }, page.headers);
}

function listJobs(g, ctx) {
  const repo = access(g, ctx, false);
  const run = runOf(g, ctx, repo);
  let jobs = runJobs(g, run);
  if (ctx.url.searchParams.get("filter") === "all") {
    const ids = new Set([...run.attempts.flatMap((a) => a.jobs), ...run.jobs]);
    jobs = [...ids].map((id) => g.jobs.get(id)).sort((a, b) => a.id - b.id);
  }
  const page = paged(ctx, jobs);
  return reply(200, { total_count: jobs.length, jobs: page.items.map((job) => jobPayload(g, job, ctx.base)) }, page.headers);
}

/** A signed-looking URL on this server, as GitHub answers with a short-lived blob URL. */
function blobUrl(ctx, path) {
  const expires = isoSec(Date.now() + 60 * 1000);
  return `${ctx.base}/_fake/blobs/github/${path}?sv=2025-01-05&se=${encodeURIComponent(expires)}&sr=b&sp=r&sig=${randomBytes(24).toString("base64url")}`;
}

function rerun(g, ctx, onlyFailed) {
  const repo = access(g, ctx, true);
  const run = runOf(g, ctx, repo);
  if (run.status !== "completed") fail(403, "This workflow is already running", ctx.doc);
  if (onlyFailed && runJobs(g, run).every((job) => job.conclusion === "success")) fail(403, "This workflow run has no failed jobs", ctx.doc);
  rerunRun(g, run, onlyFailed);
  return reply(201, {});
}

function dispatch(g, ctx) {
  const repo = access(g, ctx, true);
  const wf = findWorkflow(g, repo.full_name, ctx.params.workflow);
  if (!wf) fail(404, "Not Found", ctx.doc);
  const body = parseJson(ctx.body);
  if (!body) fail(400, "Problems parsing JSON", ctx.doc);
  if (!wf.inputs) fail(422, "Workflow does not have 'workflow_dispatch' trigger", ctx.doc);
  if (typeof body.ref !== "string") fail(422, "Invalid request.\n\n\"ref\" wasn't supplied.", ctx.doc);
  const branch = body.ref.replace(/^refs\/heads\//, "");
  if (!Object.hasOwn(repo.branches, branch)) fail(422, `No ref found for: ${body.ref}`, ctx.doc);
  const inputs = checkInputs(wf, body.inputs ?? {});
  if (typeof inputs === "string") fail(422, inputs, ctx.doc);
  const run = createRun(g, { repo: repo.full_name, workflow: wf, branch, sha: repo.branches[branch].sha, event: "workflow_dispatch", actor: ctx.auth.user, message: repo.branches[branch].message, inputs });
  g.dispatches.push({ at: Date.now(), repo: repo.full_name, workflow_id: wf.id, workflow: wf.path, ref: body.ref, inputs: body.inputs ?? {}, run_id: run.id });
  if (body.return_run_details === true) {
    return reply(200, { workflow_run_id: run.id, run_url: `${ctx.base}/repos/${repo.full_name}/actions/runs/${run.id}`, html_url: `https://github.com/${repo.full_name}/actions/runs/${run.id}` });
  }
  return reply(204, null);
}

const ACTIONS = "https://docs.github.com/rest/actions";
const ROUTES = [
  ["GET", "/user", "users/users#get-the-authenticated-user", (g, ctx) => reply(200, render("github/user", { ...USERS[ctx.auth.user], api: ctx.base }))],
  ["GET", "/rate_limit", "rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user", (g) => {
    const { limit, remaining, reset } = g.rate;
    const core = { limit, used: limit - remaining, remaining, reset };
    const now = Math.floor(Date.now() / 1000);
    return reply(200, render("github/rate-limit", { core, minute_reset: now + 60, hour_reset: now + 3600 }));
  }],
  ["GET", "/repos/:owner/:repo", "repos/repos#get-a-repository", (g, ctx) => reply(200, repository(access(g, ctx, false), ctx.base, true))],
  ["GET", "/repos/:owner/:repo/actions/workflows", `${ACTIONS}/workflows#list-repository-workflows`, (g, ctx) => {
    const repo = access(g, ctx, false);
    const workflows = [...g.workflows.values()].filter((wf) => wf.repo === repo.full_name);
    const page = paged(ctx, workflows);
    return reply(200, { total_count: workflows.length, workflows: page.items.map((wf) => workflowPayload(g, wf, ctx.base)) }, page.headers);
  }],
  ["GET", "/repos/:owner/:repo/actions/workflows/:workflow", `${ACTIONS}/workflows#get-a-workflow`, (g, ctx) => {
    const wf = findWorkflow(g, access(g, ctx, false).full_name, ctx.params.workflow);
    if (!wf) fail(404, "Not Found", ctx.doc);
    return reply(200, workflowPayload(g, wf, ctx.base));
  }],
  ["GET", "/repos/:owner/:repo/actions/workflows/:workflow/runs", `${ACTIONS}/workflow-runs#list-workflow-runs-for-a-workflow`, listRuns],
  ["POST", "/repos/:owner/:repo/actions/workflows/:workflow/dispatches", `${ACTIONS}/workflows#create-a-workflow-dispatch-event`, dispatch],
  ["GET", "/repos/:owner/:repo/actions/runs", `${ACTIONS}/workflow-runs#list-workflow-runs-for-a-repository`, listRuns],
  ["GET", "/repos/:owner/:repo/actions/runs/:run", `${ACTIONS}/workflow-runs#get-a-workflow-run`, (g, ctx) => reply(200, runPayload(g, runOf(g, ctx, access(g, ctx, false)), ctx.base))],
  ["GET", "/repos/:owner/:repo/actions/runs/:run/attempts/:attempt", `${ACTIONS}/workflow-runs#get-a-workflow-run-attempt`, (g, ctx) => {
    const run = runOf(g, ctx, access(g, ctx, false));
    const n = Number(ctx.params.attempt);
    const attempt = n === run.run_attempt ? run : run.attempts.find((a) => a.run_attempt === n);
    if (!attempt) fail(404, "Not Found", ctx.doc);
    return reply(200, runPayload(g, run, ctx.base, attempt));
  }],
  ["GET", "/repos/:owner/:repo/actions/runs/:run/jobs", `${ACTIONS}/workflow-jobs#list-jobs-for-a-workflow-run`, listJobs],
  ["GET", "/repos/:owner/:repo/actions/runs/:run/logs", `${ACTIONS}/workflow-runs#download-workflow-run-logs`, (g, ctx) => {
    const run = runOf(g, ctx, access(g, ctx, false));
    if (run.status !== "completed") fail(404, "Not Found", ctx.doc);
    return reply(302, null, { Location: blobUrl(ctx, `runs/${run.id}/logs.zip`) });
  }],
  ["GET", "/repos/:owner/:repo/actions/runs/:run/artifacts", `${ACTIONS}/artifacts#list-workflow-run-artifacts`, (g, ctx) => {
    const run = runOf(g, ctx, access(g, ctx, false));
    const artifacts = [...g.artifacts.values()].filter((a) => a.run_id === run.id);
    const page = paged(ctx, artifacts);
    return reply(200, { total_count: artifacts.length, artifacts: page.items.map((a) => artifactPayload(g, a, ctx.base)) }, page.headers);
  }],
  ["POST", "/repos/:owner/:repo/actions/runs/:run/rerun", `${ACTIONS}/workflow-runs#re-run-a-workflow`, (g, ctx) => rerun(g, ctx, false)],
  ["POST", "/repos/:owner/:repo/actions/runs/:run/rerun-failed-jobs", `${ACTIONS}/workflow-runs#re-run-failed-jobs-from-a-workflow-run`, (g, ctx) => rerun(g, ctx, true)],
  ["POST", "/repos/:owner/:repo/actions/runs/:run/cancel", `${ACTIONS}/workflow-runs#cancel-a-workflow-run`, (g, ctx) => {
    const run = runOf(g, ctx, access(g, ctx, true));
    if (run.status === "completed") fail(409, "Cannot cancel a workflow run that is completed.", ctx.doc);
    cancelRun(g, run);
    return reply(202, {});
  }],
  ["GET", "/repos/:owner/:repo/actions/jobs/:job", `${ACTIONS}/workflow-jobs#get-a-job-for-a-workflow-run`, (g, ctx) => reply(200, jobPayload(g, jobOf(g, ctx, access(g, ctx, false)), ctx.base))],
  ["GET", "/repos/:owner/:repo/actions/jobs/:job/logs", `${ACTIONS}/workflow-jobs#download-job-logs-for-a-workflow-run`, (g, ctx) => {
    const job = jobOf(g, ctx, access(g, ctx, false));
    // A job that never ran has no log yet.
    if (!job.steps.length) fail(404, "Not Found", ctx.doc);
    return reply(302, null, { Location: blobUrl(ctx, `jobs/${job.id}/log.txt`) });
  }],
  // The GitHub CLI's `run watch` reads each job's check-run annotations (a job's id is its check run's).
  ["GET", "/repos/:owner/:repo/check-runs/:job/annotations", "https://docs.github.com/en/rest/checks/runs#list-check-run-annotations", (g, ctx) => {
    const job = jobOf(g, ctx, access(g, ctx, false));
    const annotations = job.conclusion === "failure"
      ? [{ path: ".github", blob_href: null, start_line: 1, start_column: null, end_line: 1, end_column: null,
          annotation_level: "failure", title: "", message: "Process completed with exit code 101.", raw_details: "" }]
      : [];
    return reply(200, annotations);
  }],
  ["GET", "/repos/:owner/:repo/actions/artifacts/:artifact", `${ACTIONS}/artifacts#get-an-artifact`, (g, ctx) => {
    const repo = access(g, ctx, false);
    const artifact = g.artifacts.get(Number(ctx.params.artifact));
    if (!artifact || artifact.repo !== repo.full_name) fail(404, "Not Found", ctx.doc);
    return reply(200, artifactPayload(g, artifact, ctx.base));
  }],
  ["GET", "/repos/:owner/:repo/actions/artifacts/:artifact/:format", `${ACTIONS}/artifacts#download-an-artifact`, (g, ctx) => {
    const repo = access(g, ctx, false);
    const artifact = g.artifacts.get(Number(ctx.params.artifact));
    if (!artifact || artifact.repo !== repo.full_name || ctx.params.format !== "zip") fail(404, "Not Found", ctx.doc);
    return reply(302, null, { Location: blobUrl(ctx, `artifacts/${artifact.id}.zip`) });
  }],
].map(([method, pattern, doc, handler]) => ({
  method, match: compile(pattern), handler, doc: doc.startsWith("https:") ? doc : `${DOCS}/${doc}`,
  // Only the repository endpoints name a scope they accept.
  accepted: pattern.startsWith("/repos/") ? "repo" : "", free: pattern === "/rate_limit",
}));

// ---- the request pipeline: token, rate limit, route, ETag -----------------------------------

const tokenOf = (header = "") => /^(?:bearer|token)\s+(\S+)$/i.exec(header.trim())?.[1];
const requestId = () => [4, 4, 6, 6, 8].map((n) => randomBytes(n / 2).toString("hex").toUpperCase()).join(":");

function rateHeaders(rate) {
  return {
    "x-ratelimit-limit": String(rate.limit), "x-ratelimit-remaining": String(rate.remaining),
    "x-ratelimit-used": String(rate.limit - rate.remaining), "x-ratelimit-reset": String(rate.reset), "x-ratelimit-resource": "core",
  };
}

export function handleGithub(g, ctx) {
  const base = { "X-GitHub-Request-Id": requestId(), "X-GitHub-Media-Type": "github.v3; format=json", "x-github-api-version-selected": "2022-11-28" };
  const auth = g.tokens.get(tokenOf(ctx.req.headers.authorization));
  if (!auth) return finish(reply(401, { message: "Bad credentials", documentation_url: DOCS, status: "401" }), base);
  refreshRate(g.rate);
  let route = null;
  for (const candidate of ROUTES) {
    const params = candidate.method === ctx.method || (candidate.method === "GET" && ctx.method === "HEAD") ? candidate.match(ctx.url.pathname) : null;
    if (params) {
      route = candidate;
      Object.assign(ctx, { params, doc: candidate.doc, auth });
      break;
    }
  }
  const headers = { ...base, "X-OAuth-Scopes": auth.scopes.join(", "), "X-Accepted-OAuth-Scopes": route?.accepted ?? "" };
  let response;
  if (g.rate.remaining <= 0 && !route?.free) {
    response = reply(403, {
      message: `API rate limit exceeded for user ID ${USERS[auth.user].id}. If you reach out to GitHub Support for help, please include the request ID ${headers["X-GitHub-Request-Id"]}.`,
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api", status: "403",
    });
    return finish(response, { ...headers, ...rateHeaders(g.rate) });
  }
  try {
    response = route ? route.handler(g, ctx) : reply(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    response = error.response;
  }
  response = finish(response, headers, ctx);
  // A 304 costs nothing, as on GitHub; every other answer spends one request.
  if (response.status !== 304 && !route?.free) g.rate.remaining = Math.max(0, g.rate.remaining - 1);
  Object.assign(response.headers, rateHeaders(g.rate));
  return response;
}

/** Serialises the body, adds the weak ETag to a 200 GET and answers 304 when it matches. */
function finish(response, headers, ctx) {
  const out = { status: response.status, headers: { ...headers, ...response.headers }, body: null };
  if (response.body != null) {
    out.body = JSON.stringify(response.body);
    out.headers["Content-Type"] = "application/json; charset=utf-8";
  }
  if (ctx && out.status === 200 && (ctx.method === "GET" || ctx.method === "HEAD")) {
    const etag = etagOf(out.body);
    Object.assign(out.headers, { ETag: etag, "Cache-Control": "private, max-age=60, s-maxage=60", Vary: "Accept, Authorization, Cookie, X-GitHub-OTP" });
    if (etagMatches(ctx.req.headers["if-none-match"], etag)) {
      delete out.headers["Content-Type"];
      Object.assign(out, { status: 304, body: null });
    }
  }
  return out;
}

/** The blobs the log and artifact redirects point at: no auth, as a signed URL needs none. */
export function githubBlob(g, path) {
  const match = /^(jobs\/(\d+)\/log\.txt|runs\/(\d+)\/logs\.zip|artifacts\/(\d+)\.zip)$/.exec(path);
  const notFound = { status: 404, headers: { "Content-Type": "application/xml" }, body: "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.</Message></Error>" };
  if (!match) return notFound;
  const blobHeaders = { "x-ms-blob-type": "BlockBlob", "x-ms-version": "2025-01-05" };
  if (match[2]) {
    const job = g.jobs.get(Number(match[2]));
    if (!job) return notFound;
    const run = g.runs.get(job.run_id);
    const log = githubJobLog({ repo: g.repos.get(run.repo), run, job, now: Date.now() });
    return { status: 200, headers: { ...blobHeaders, "Content-Type": "text/plain; charset=utf-8" }, body: log };
  }
  if (match[3]) {
    const run = g.runs.get(Number(match[3]));
    if (!run) return notFound;
    const repo = g.repos.get(run.repo);
    const entries = runJobs(g, run).filter((job) => job.steps.length).flatMap((job, i) => {
      const whole = githubJobLog({ repo, run, job, now: Date.now() });
      const perStep = job.steps.filter((s) => s.conclusion !== "skipped").map((step) => ({
        name: `${job.def.name}/${step.number}_${step.name.replace(/[/:]/g, "_")}.txt`, time: step.completed_at,
        data: githubJobLog({ repo, run, job: { ...job, steps: [step] }, now: Date.now() }),
      }));
      return [{ name: `${i}_${job.def.name}.txt`, data: whole, time: job.completed_at }, ...perStep];
    });
    return { status: 200, headers: { ...blobHeaders, "Content-Type": "application/zip", "Content-Disposition": `attachment; filename=logs_${run.id}.zip` }, body: zip(entries) };
  }
  const artifact = g.artifacts.get(Number(match[4]));
  if (!artifact) return notFound;
  return { status: 200, headers: { ...blobHeaders, "Content-Type": "application/zip", "Content-Disposition": `attachment; filename=${artifact.name}.zip` }, body: artifact.data };
}
