// GitLab's side of the fake as plain data: the project, its pipelines and jobs, the seed and the
// moves a pipeline makes. A pipeline's status is worked out from its jobs, as GitLab does.

import { SEC, at, fakeSha, ticker } from "./util.mjs";

export const GL_USERS = {
  jdoe: { id: 1830562, username: "jdoe", name: "Jane Doe", email: "jane.doe@acme.dev", avatar_hash: "8f3c0d7e5b1a9c2e4d6f8a0b1c3e5d7f" },
};

export const STAGES = ["build", "test", "deploy"];
// `seconds` is how long a job runs; deploy-staging is `when: manual` and only on the default branch.
const JOBS = [
  { name: "compile", stage: "build", seconds: 142.61, artifacts: "archive" },
  { name: "unit", stage: "test", seconds: 211.37, coverage: 78.42, artifacts: "junit" },
  { name: "lint", stage: "test", seconds: 64.9 },
  { name: "deploy-staging", stage: "deploy", seconds: 95.12, when: "manual", defaultBranchOnly: true },
];
const FINISHED = ["success", "failed", "canceled", "skipped"];
const CANCELABLE = ["created", "pending", "running", "waiting_for_resource", "preparing", "scheduled"];

export function seedGitlab() {
  const l = {
    projects: new Map(),
    pipelines: new Map(),
    jobs: new Map(),
    tokens: new Map([
      ["gl-good", { scopes: ["api"], user: "jdoe", id: 9301, name: "quantum-admin" }],
      ["gl-read", { scopes: ["read_api"], user: "jdoe", id: 9302, name: "quantum-admin (read only)" }],
    ]),
    rate: { limit: 2000, remaining: 2000, window: 60, reset: 0 },
    nextPipelineId: 1875000,
    nextJobId: 8413000,
    nextTokenId: 9310,
    // Milliseconds, as GitLab's times have them.
    tick: ticker(1),
  };
  l.projects.set(4242, {
    id: 4242, path: "acme/platform/shop", name: "shop", description: "Storefront backend: catalogue, cart, checkout",
    default_branch: "main", visibility: "private", created_at: at("2023-09-18T12:40:22.918Z"), nextIid: 311,
    namespace: { id: 310, name: "platform", path: "platform", full_path: "acme/platform", parent_id: 300 },
    branches: {
      main: { sha: fakeSha("acme/platform/shop main 2"), message: "Add CSV export for orders" },
      "feature/login": { sha: fakeSha("acme/platform/shop feature/login 1"), message: "Login form: remember me" },
    },
  });
  const seed = (fields, status, failJobs) => {
    const p = createPipeline(l, { ...fields, project: 4242, source: "push", created: at(fields.created) });
    setPipelineState(l, p, status, failJobs, { start: p.created_at + 700 });
    return p;
  };
  seed({ id: 1874501, ref: "main", sha: fakeSha("acme/platform/shop main 1"), message: "Bump tokio to 1.41", created: "2026-11-28T07:02:11.482Z" }, "success");
  seed({ id: 1874688, ref: "main", created: "2026-11-28T09:15:40.113Z" }, "failed", ["unit"]);
  seed({ id: 1874903, ref: "feature/login", created: "2026-11-28T11:48:03.907Z" }, "success");
  return l;
}

export function findProject(l, key) {
  if (/^\d+$/.test(key)) return l.projects.get(Number(key)) ?? null;
  return [...l.projects.values()].find((p) => p.path === key) ?? null;
}

export const pipelineJobs = (l, p) => p.jobs.map((id) => l.jobs.get(id));

/** A new pipeline with every job `created`, as GitLab answers a create. */
export function createPipeline(l, { id, project, ref, sha, message, source = "push", user = "jdoe", created, variables = [] }) {
  const proj = l.projects.get(project);
  const head = proj.branches[ref] ?? { sha: fakeSha(`${proj.path} ${ref}`), message: `Update ${ref}` };
  const now = created ?? l.tick();
  const p = {
    id: id ?? (l.nextPipelineId += 187), iid: proj.nextIid++, project_id: proj.id, ref, sha: sha ?? head.sha,
    before_sha: fakeSha(`before ${sha ?? head.sha}`), message: message ?? head.message, source, user, variables,
    status: "created", created_at: now, updated_at: now, started_at: null, finished_at: null, jobs: [],
  };
  const defs = JOBS.filter((def) => !def.defaultBranchOnly || ref === proj.default_branch);
  p.jobs = defs.map((def) => newJob(l, p, def, now).id);
  l.pipelines.set(p.id, p);
  return p;
}

function newJob(l, p, def, now) {
  const job = {
    id: (l.nextJobId += 3), pipeline_id: p.id, def, name: def.name, stage: def.stage, allow_failure: def.when === "manual",
    status: "created", created_at: now, queued_at: null, started_at: null, finished_at: null, failure_reason: null, retried: false,
  };
  l.jobs.set(job.id, job);
  return job;
}

/** GitLab's composite status: manual jobs that may fail do not hold a pipeline back. */
function composite(jobs) {
  const counted = jobs.filter((job) => !(job.status === "manual" && job.allow_failure));
  const has = (status) => counted.some((job) => job.status === status);
  if (!counted.length) return jobs.length ? "manual" : "created";
  if (counted.every((job) => job.status === "created")) return "created";
  if (has("running")) return "running";
  if (has("pending") || has("created")) return counted.some((job) => FINISHED.includes(job.status)) ? "running" : "pending";
  if (counted.some((job) => job.status === "failed" && !job.allow_failure)) return "failed";
  if (has("canceled")) return "canceled";
  if (counted.every((job) => job.status === "skipped")) return "skipped";
  return "success";
}

/** Status and times from the jobs; `updated` is when it changed. */
function refresh(l, p, updated = l.tick()) {
  const jobs = pipelineJobs(l, p);
  p.status = composite(jobs);
  const starts = jobs.map((job) => job.started_at).filter((t) => t != null);
  const ends = jobs.map((job) => job.finished_at).filter((t) => t != null);
  p.started_at = starts.length ? Math.min(...starts) : null;
  p.finished_at = FINISHED.includes(p.status) && ends.length ? Math.max(...ends) : null;
  // GitLab counts the time some job was running, not the gaps (a retry a day later adds no day).
  const spans = jobs.filter((job) => job.started_at != null).map((job) => [job.started_at, job.finished_at ?? updated]).sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let reach = -Infinity;
  for (const [from, to] of spans) {
    busy += Math.max(0, to - Math.max(from, reach));
    reach = Math.max(reach, to);
  }
  p.busy = busy;
  p.updated_at = updated;
}

const reset = (job) => Object.assign(job, { status: "created", queued_at: null, started_at: null, finished_at: null, failure_reason: null });

/**
 * Moves a pipeline: created, pending, running (the next stage runs), success, failed (the named
 * jobs fail, default the last automatic one; later stages are skipped) or canceled. Finished
 * pipelines are laid out stage by stage from `start` (seeds) or up to `end` (now). In a pipeline
 * still under way (as after a retry) jobs that already passed keep their run.
 */
export function setPipelineState(l, p, status, failJobs = [], { start, end } = {}) {
  if (status === "canceled") return cancelPipeline(l, p);
  const jobs = pipelineJobs(l, p);
  const now = end ?? Date.now();
  const underway = !FINISHED.includes(p.status) && p.status !== "manual";
  const passed = (job) => underway && job.status === "success";
  const automatic = jobs.filter((job) => !job.allow_failure);
  const fallback = automatic.filter((job) => !passed(job)).at(-1) ?? automatic.at(-1);
  const failing = new Set(status === "failed" ? (failJobs.length ? failJobs : [fallback.name]) : []);
  const fresh = jobs.filter((job) => !passed(job) || failing.has(job.name));
  fresh.forEach(reset);
  if (status === "created") return refresh(l, p);
  if (status === "pending" || status === "running") {
    const stage = STAGES.find((s) => fresh.some((job) => job.stage === s && !job.allow_failure));
    for (const job of fresh.filter((j) => j.stage === stage)) {
      Object.assign(job, { status, queued_at: now - 22 * SEC });
      if (status === "running") job.started_at = now - 20 * SEC;
    }
    p.created_at = Math.min(p.created_at, now - 23 * SEC);
    for (const job of jobs) job.created_at = Math.min(job.created_at, p.created_at);
    return refresh(l, p);
  }
  const failedStage = STAGES.findIndex((stage) => jobs.some((job) => job.stage === stage && failing.has(job.name)));
  // Relative times per stage: jobs of a stage run side by side.
  let t = 0;
  const rel = new Map();
  for (const [i, stage] of STAGES.entries()) {
    const inStage = fresh.filter((job) => job.stage === stage);
    if (!inStage.length) continue;
    let stageEnd = t;
    for (const [k, job] of inStage.entries()) {
      const outcome = failedStage >= 0 && i > failedStage ? "skipped" : job.def.when === "manual" ? "manual" : failing.has(job.name) ? "failed" : "success";
      const started = t + 1300 + k * 420;
      // A failing job stops part-way through.
      const finished = started + Math.round(job.def.seconds * SEC * (outcome === "failed" ? 0.6 : 1));
      rel.set(job, { outcome, queued: t, started, finished });
      if (outcome === "success" || outcome === "failed") stageEnd = Math.max(stageEnd, finished);
    }
    t = stageEnd + 1100;
  }
  const ran = (r) => r.outcome === "success" || r.outcome === "failed";
  const last = Math.max(0, ...[...rel.values()].filter(ran).map((r) => r.finished));
  const shift = start ?? now - SEC - last;
  for (const [job, r] of rel) {
    Object.assign(job, {
      status: r.outcome, queued_at: ran(r) ? shift + r.queued : null, started_at: ran(r) ? shift + r.started : null,
      finished_at: ran(r) ? shift + r.finished : null, failure_reason: r.outcome === "failed" ? "script_failure" : null,
    });
  }
  p.created_at = Math.min(p.created_at, shift - 600);
  for (const job of jobs) job.created_at = Math.min(job.created_at, p.created_at);
  refresh(l, p, start != null ? shift + last + 900 : l.tick());
}

/** Retries failed and canceled jobs as new jobs; skipped ones go back to created; the next stage starts. */
export function retryPipeline(l, p) {
  const now = l.tick();
  const jobs = pipelineJobs(l, p);
  if (!jobs.some((job) => job.status === "failed" || job.status === "canceled")) return;
  p.jobs = jobs.map((job) => {
    if (job.status === "failed" || job.status === "canceled") {
      job.retried = true;
      return newJob(l, p, job.def, now).id;
    }
    if (job.status === "skipped") reset(job);
    return job.id;
  });
  const current = pipelineJobs(l, p);
  const stage = STAGES.find((s) => current.some((job) => job.stage === s && job.status === "created"));
  for (const job of current.filter((j) => j.stage === stage && j.status === "created")) {
    Object.assign(job, job.def.when === "manual" ? { status: "manual" } : { status: "pending", queued_at: now });
  }
  refresh(l, p);
}

/** Cancels what has not finished; a finished pipeline is left as it is (GitLab still answers 200). */
export function cancelPipeline(l, p) {
  const now = l.tick();
  const jobs = pipelineJobs(l, p).filter((job) => CANCELABLE.includes(job.status));
  if (!jobs.length) return;
  for (const job of jobs) Object.assign(job, { status: "canceled", finished_at: now });
  refresh(l, p);
}
