// GitHub's side of the fake as plain data: repositories, workflows, runs and jobs, the seed
// scenario, and the moves a run makes (queued → in_progress → completed, rerun, cancel).
// Times are epoch milliseconds here; the routes turn them into GitHub's strings.

import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { FIXTURES, HOUR, SEC, at, fakeSha, ticker } from "./util.mjs";

export const USERS = {
  octocat: { login: "octocat", id: 583231, node_id: "MDQ6VXNlcjU4MzIzMQ==", type: "User", name: "The Octocat", email: "octocat@github.com" },
  monalisa: { login: "monalisa", id: 2154321, node_id: "MDQ6VXNlcjIxNTQzMjE=", type: "User", name: "Mona Lisa", email: "mona@acme.dev" },
  acme: { login: "acme", id: 91827364, node_id: "O_kgDOBXkzJA", type: "Organization" },
};

const SETUP = "Set up job";
const CHECKOUT = "Run actions/checkout@v4";
const POST_CHECKOUT = "Post Run actions/checkout@v4";
const COMPLETE = "Complete job";

// Each job's steps as GitHub names them; `seconds` is how long the job takes when it runs.
const CI_JOBS = [
  { name: "lint", needs: [], seconds: 48, steps: [SETUP, CHECKOUT, "Run cargo clippy --all-targets -- -D warnings", POST_CHECKOUT, COMPLETE] },
  { name: "test", needs: ["lint"], seconds: 192, steps: [SETUP, CHECKOUT, "Run cargo test", POST_CHECKOUT, COMPLETE] },
  { name: "build", needs: ["test"], seconds: 125, steps: [SETUP, CHECKOUT, "Run cargo build --release", "Run actions/upload-artifact@v4", COMPLETE] },
];
const DEPLOY_JOBS = [
  { name: "deploy", needs: [], seconds: 80, steps: [SETUP, CHECKOUT, "Run ./scripts/deploy.sh", COMPLETE] },
];
const NIGHTLY_JOBS = [
  { name: "e2e", needs: [], seconds: 371, steps: [SETUP, CHECKOUT, "Run npm ci", "Run npm run test:e2e", POST_CHECKOUT, COMPLETE] },
];

export const ARTIFACT_ZIP = readFileSync(new URL("github/artifacts/junit-report.zip", FIXTURES));

/** The step a job fails at: its own command, not the setup around it. */
const failStepOf = (def) => def.steps.findIndex((step) => step.startsWith("Run ") && step !== CHECKOUT);

export function seedGithub() {
  const g = {
    repos: new Map(),
    workflows: new Map(),
    runs: new Map(),
    jobs: new Map(),
    artifacts: new Map(),
    tokens: new Map([
      ["gh-good", { scopes: ["repo", "workflow"], user: "octocat" }],
      ["gh-read", { scopes: ["read:org"], user: "octocat" }],
    ]),
    dispatches: [],
    rate: { limit: 5000, remaining: 5000, window: 3600, reset: 0 },
    nextRunId: 12005200001,
    nextJobId: 33170000001,
    nextCheckSuite: 31500000001,
    // Whole seconds, as GitHub's times have them.
    tick: ticker(SEC),
  };
  addRepo(g, { id: 712345678, name: "shop", private: true, description: "Storefront backend: catalogue, cart, checkout", created: "2024-02-12T09:14:55Z" });
  addRepo(g, { id: 712399001, name: "many", private: true, description: "Nightly end-to-end suite", created: "2025-06-03T16:40:12Z" });
  addWorkflow(g, { id: 161335, repo: "acme/shop", name: "CI", path: ".github/workflows/ci.yml", jobs: CI_JOBS, firstRun: 41, created: "2024-02-12T10:02:31Z" });
  addWorkflow(g, {
    id: 161336, repo: "acme/shop", name: "Deploy", path: ".github/workflows/deploy.yml", jobs: DEPLOY_JOBS, firstRun: 7, created: "2024-03-05T14:22:08Z",
    inputs: {
      environment: { type: "choice", options: ["staging", "production"], default: "staging", required: true },
      dry_run: { type: "boolean", default: "false", required: false },
    },
  });
  addWorkflow(g, { id: 161400, repo: "acme/many", name: "Nightly", path: ".github/workflows/nightly.yml", jobs: NIGHTLY_JOBS, created: "2025-06-03T16:52:40Z" });

  const shop = g.repos.get("acme/shop");
  shop.branches = {
    main: { sha: fakeSha("acme/shop main 42"), message: "Add CSV export for orders" },
    "feature/login": { sha: fakeSha("acme/shop feature/login 1"), message: "Login form: remember me" },
  };
  const seed = (fields, conclusion, failJobs) => {
    const run = createRun(g, { ...fields, created: at(fields.created), id: fields.id });
    finishRun(g, run, conclusion, failJobs, { start: run.created_at + 4 * SEC });
    return run;
  };
  seed({ id: 12003456701, repo: "acme/shop", workflow: 161335, branch: "main", sha: fakeSha("acme/shop main 41"), message: "Bump tokio to 1.41", created: "2026-11-28T06:12:04Z" }, "success");
  const failed = seed({ id: 12003987215, repo: "acme/shop", workflow: 161335, branch: "main", sha: shop.branches.main.sha, message: shop.branches.main.message, created: "2026-11-28T09:41:37Z" }, "failure", ["test"]);
  seed({ id: 12004512330, repo: "acme/shop", workflow: 161336, branch: "main", sha: shop.branches.main.sha, event: "workflow_dispatch", message: shop.branches.main.message, created: "2026-11-28T10:05:12Z", inputs: { environment: "staging", dry_run: "false" } }, "success");
  seed({ id: 12005103948, repo: "acme/shop", workflow: 161335, branch: "feature/login", sha: shop.branches["feature/login"].sha, actor: "monalisa", message: shop.branches["feature/login"].message, created: "2026-11-28T13:27:50Z" }, "success");
  const testJob = g.jobs.get(failed.jobs[1]);
  g.artifacts.set(2893741502, {
    id: 2893741502, run_id: failed.id, repo: "acme/shop", name: "junit-report", created_at: testJob.completed_at - 2 * SEC,
    size: ARTIFACT_ZIP.length, digest: createHash("sha256").update(ARTIFACT_ZIP).digest("hex"), data: ARTIFACT_ZIP,
  });

  // 250 nightly runs, one a day, for pagination; every ninth fails.
  const many = g.repos.get("acme/many");
  for (let i = 1; i <= 250; i++) {
    const run = createRun(g, {
      id: 10400000000 + i * 4127, repo: "acme/many", workflow: 161400, branch: "main", event: "schedule",
      sha: fakeSha(`acme/many ${i}`), message: `Nightly fixtures refresh #${i}`, created: at("2026-03-22T02:17:00Z") + (i - 1) * 24 * HOUR,
    });
    finishRun(g, run, i % 9 === 4 ? "failure" : "success", [], { start: run.created_at + 3 * SEC });
  }
  many.branches = { main: { sha: fakeSha("acme/many 250"), message: "Nightly fixtures refresh #250" } };
  return g;
}

function addRepo(g, { id, name, private: isPrivate, description, created }) {
  const full = `acme/${name}`;
  g.repos.set(full, {
    id, name, full_name: full, owner: "acme", private: isPrivate, description, default_branch: "main",
    node_id: `R_kgDO${Buffer.from(String(id)).toString("base64url").slice(0, 6)}`, created_at: at(created), branches: {},
  });
}

function addWorkflow(g, { id, repo, name, path, jobs, created, inputs = null, firstRun = 1 }) {
  g.workflows.set(id, { id, repo, name, path, jobs, inputs, firstRun, created_at: at(created), updated_at: at(created) + 3 * 24 * HOUR, node_id: `W_kwDOKnQ1Ts4AAn${id}` });
}

/** The workflow of a repository by id or by file name ("ci.yml"), as GitHub accepts either. */
export function findWorkflow(g, repo, key) {
  for (const wf of g.workflows.values()) {
    if (wf.repo !== repo) continue;
    if (String(wf.id) === String(key) || wf.path.split("/").pop() === key) return wf;
  }
  return null;
}

/** A new run, queued, with its jobs queued. */
export function createRun(g, { id, repo, workflow, branch, sha, event = "push", actor = "octocat", message, created, inputs = null }) {
  const wf = typeof workflow === "object" ? workflow : findWorkflow(g, repo, workflow);
  const previous = [...g.runs.values()].filter((run) => run.workflowId === wf.id);
  const now = created ?? g.tick();
  const run = {
    id: id ?? (g.nextRunId += 104729),
    repo, workflowId: wf.id, run_number: previous.length ? Math.max(...previous.map((r) => r.run_number)) + 1 : wf.firstRun,
    run_attempt: 1, event, status: "queued", conclusion: null, head_branch: branch, head_sha: sha, actor, triggering_actor: actor,
    message: message ?? `Update ${branch}`, commit_at: now - 90 * SEC, created_at: now, updated_at: now, run_started_at: now,
    check_suite_id: (g.nextCheckSuite += 7331), jobs: [], attempts: [], inputs,
  };
  run.jobs = wf.jobs.map((def) => newJob(g, run, def, now).id);
  g.runs.set(run.id, run);
  return run;
}

function newJob(g, run, def, now) {
  const job = {
    id: (g.nextJobId += 13), run_id: run.id, run_attempt: run.run_attempt, def, status: "queued", conclusion: null,
    created_at: now, started_at: now, completed_at: null, steps: [], runner: null,
  };
  g.jobs.set(job.id, job);
  return job;
}

export const runJobs = (g, run) => run.jobs.map((id) => g.jobs.get(id));
export const workflowOf = (g, run) => g.workflows.get(run.workflowId);

/** Jobs carried over from an earlier attempt (rerun of failed jobs) keep their outcome. */
const carried = (run, job) => job.run_attempt < run.run_attempt && job.status === "completed";

const runnerFor = (job) => ({ id: 1000000000 + (job.id % 99991), name: `GitHub Actions ${1000000000 + (job.id % 99991)}` });

/** How long each step takes within a job that runs `total` ms: set-up and clean-up are short. */
function stepDurations(def, total) {
  const fixed = def.steps.map((name) => (name === SETUP ? 2 : name === COMPLETE ? 1 : name.startsWith("Post ") ? 1 : name === CHECKOUT ? 3 : 0) * SEC);
  const main = def.steps.map((_, i) => (fixed[i] ? 0 : 1)).reduce((a, b) => a + b, 0);
  const rest = Math.max(total - fixed.reduce((a, b) => a + b, 0), main * SEC);
  return fixed.map((ms) => ms || Math.round(rest / main));
}

/** The steps of a job that ran from start to end; a failure stops at the job's command. */
function ranSteps(def, conclusion, start, end) {
  const durations = stepDurations(def, end - start);
  const failAt = conclusion === "failure" ? failStepOf(def) : -1;
  let t = start;
  return def.steps.map((name, i) => {
    const skipped = failAt >= 0 && i > failAt && !name.startsWith("Post ") && name !== COMPLETE;
    const step = {
      name, status: "completed", conclusion: skipped ? "skipped" : i === failAt ? "failure" : "success", number: i + 1,
      started_at: t, completed_at: skipped ? t : Math.min(t + durations[i], end),
    };
    if (!skipped) t = step.completed_at;
    return step;
  });
}

/**
 * Completes a run: success, failure (the named jobs fail, default the last; jobs needing them are
 * skipped) or cancelled. Jobs run one after another as their needs allow, laid out to start at
 * `start` (seeds) or to end at `end` (now, so the times are in the past).
 */
export function finishRun(g, run, conclusion, failJobs = [], { start, end } = {}) {
  const jobs = runJobs(g, run);
  if (conclusion === "cancelled") return cancelRun(g, run);
  const fresh = jobs.filter((job) => !carried(run, job));
  if (!fresh.length) return run;
  const failing = new Set(conclusion === "failure" ? (failJobs.length ? failJobs : [fresh.at(-1)?.def.name]) : []);
  const outcome = {};
  const rel = {};
  for (const job of jobs) {
    const name = job.def.name;
    if (carried(run, job)) {
      outcome[name] = job.conclusion;
      continue;
    }
    const blocked = job.def.needs.some((need) => outcome[need] !== "success");
    outcome[name] = blocked ? "skipped" : failing.has(name) ? "failure" : "success";
    const ready = Math.max(0, ...job.def.needs.filter((need) => rel[need]).map((need) => rel[need].end + 2 * SEC));
    if (blocked) rel[name] = { ready, start: ready, end: ready };
    else rel[name] = { ready, start: ready + 4 * SEC, end: ready + 4 * SEC + job.def.seconds * SEC };
  }
  const last = Math.max(...Object.values(rel).map((r) => r.end));
  const shift = start != null ? start : end - SEC - last;
  for (const job of fresh) {
    const r = rel[job.def.name];
    Object.assign(job, {
      status: "completed", conclusion: outcome[job.def.name], created_at: shift + r.ready, started_at: shift + r.start, completed_at: shift + r.end,
      runner: outcome[job.def.name] === "skipped" ? null : runnerFor(job),
      steps: outcome[job.def.name] === "skipped" ? [] : ranSteps(job.def, outcome[job.def.name], shift + r.start, shift + r.end),
    });
  }
  const firstStart = Math.min(...fresh.map((job) => job.created_at));
  run.run_started_at = Math.min(run.run_started_at, firstStart - SEC);
  run.created_at = Math.min(run.created_at, run.run_started_at);
  run.status = "completed";
  run.conclusion = Object.values(outcome).includes("failure") ? "failure" : "success";
  run.updated_at = start != null ? shift + last + 2 * SEC : g.tick();
  return run;
}

/** The run back to queued: its own jobs (not those carried over) queued, no steps yet. */
export function queueRun(g, run, now = g.tick()) {
  for (const job of runJobs(g, run)) {
    if (carried(run, job)) continue;
    Object.assign(job, { status: "queued", conclusion: null, created_at: now, started_at: now, completed_at: null, steps: [], runner: null });
  }
  Object.assign(run, { status: "queued", conclusion: null, updated_at: now });
}

/** In progress: the first job that can run is in its third step, the others wait queued. */
export function startRun(g, run) {
  const now = g.tick();
  if (run.status !== "in_progress") {
    queueRun(g, run, now);
    run.run_started_at = now - 20 * SEC;
    run.created_at = Math.min(run.created_at, run.run_started_at);
  }
  const jobs = runJobs(g, run);
  const done = new Set(jobs.filter((job) => job.conclusion === "success").map((job) => job.def.name));
  const job = jobs.find((j) => j.status !== "completed" && j.def.needs.every((need) => done.has(need)));
  if (job && job.status === "queued") {
    const t = now - 15 * SEC;
    job.status = "in_progress";
    job.started_at = t;
    job.created_at = Math.min(job.created_at, run.run_started_at);
    job.runner = runnerFor(job);
    job.steps = job.def.steps.map((name, i) => ({
      name, number: i + 1,
      status: i < 2 ? "completed" : i === 2 ? "in_progress" : "queued",
      conclusion: i < 2 ? "success" : null,
      started_at: i === 0 ? t : i === 1 ? t + 2 * SEC : i === 2 ? t + 5 * SEC : null,
      completed_at: i === 0 ? t + 2 * SEC : i === 1 ? t + 5 * SEC : null,
    }));
  }
  Object.assign(run, { status: "in_progress", conclusion: null, updated_at: now });
}

/** Cancels a run that has not completed: unfinished jobs and steps end cancelled now. */
export function cancelRun(g, run) {
  const now = g.tick();
  for (const job of runJobs(g, run)) {
    if (job.status === "completed") continue;
    for (const step of job.steps) {
      if (step.status === "completed") continue;
      step.conclusion = step.status === "in_progress" ? "cancelled" : "skipped";
      step.started_at ??= now;
      Object.assign(step, { status: "completed", completed_at: now });
    }
    Object.assign(job, { status: "completed", conclusion: "cancelled", completed_at: now });
  }
  Object.assign(run, { status: "completed", conclusion: "cancelled", updated_at: now });
}

/**
 * A new attempt: every job again, or only the failed ones and those that needed them (GitHub
 * keeps the successful jobs of the earlier attempt in the new one).
 */
export function rerunRun(g, run, onlyFailed) {
  const now = g.tick();
  run.attempts.push({
    run_attempt: run.run_attempt, status: run.status, conclusion: run.conclusion, updated_at: run.updated_at,
    run_started_at: run.run_started_at, jobs: run.jobs.slice(),
  });
  run.run_attempt += 1;
  run.jobs = runJobs(g, run).map((job) => (onlyFailed && job.conclusion === "success" ? job : newJob(g, run, job.def, now)).id);
  Object.assign(run, { status: "queued", conclusion: null, run_started_at: now, updated_at: now });
}

/** Dispatch inputs checked as GitHub does: unknown names and values outside a choice are refused. */
export function checkInputs(wf, inputs) {
  const unknown = Object.keys(inputs).filter((name) => !Object.hasOwn(wf.inputs, name));
  if (unknown.length) return `Unexpected inputs provided: ${JSON.stringify(unknown)}`;
  const values = {};
  for (const [name, spec] of Object.entries(wf.inputs)) {
    const value = inputs[name] ?? spec.default;
    if (value == null && spec.required) return `Required input '${name}' not provided`;
    if (spec.type === "choice" && !spec.options.includes(String(value))) {
      return `Provided value '${value}' for input '${name}' not in the list of allowed values`;
    }
    if (value != null) values[name] = String(value);
  }
  return values;
}
