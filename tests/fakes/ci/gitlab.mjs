// GitLab's REST API v4 (the CI part the app uses), under /api/v4 as on a self-managed instance;
// web URLs point at the same server, as they would there.

import { randomBytes } from "node:crypto";
import { compile, etagMatches, etagOf, isoMs, refreshRate, pageParams, pageUrl, parseJson, render } from "./util.mjs";
import {
  GL_USERS, cancelPipeline, createPipeline, findProject, pipelineJobs, retryPipeline,
} from "./gitlab-model.mjs";
import { gitlabTrace } from "./logs.mjs";

const reply = (status, body, headers = {}) => ({ status, body, headers });
class Refusal extends Error {
  constructor(response) {
    super(`HTTP ${response.status}`);
    this.response = response;
  }
}
const fail = (status, body) => {
  throw new Refusal(reply(status, body));
};

// ---- payloads -------------------------------------------------------------------------------

const DETAILED = {
  created: ["created", "created"], pending: ["pending", "pending"], running: ["running", "running"], success: ["passed", "passed"],
  failed: ["failed", "failed"], canceled: ["canceled", "canceled"], skipped: ["skipped", "skipped"], manual: ["manual", "manual action"],
};
const secs = (from, to) => (from == null || to == null ? null : Math.round((to - from)) / 1000);

function pipelineVars(l, p, ctx) {
  const project = l.projects.get(p.project_id);
  const [text, label] = DETAILED[p.status];
  const unit = pipelineJobs(l, p).find((job) => job.def.coverage && job.status === "success");
  return {
    ...p, web: ctx.web, path_with_namespace: project.path, created_at: isoMs(p.created_at), updated_at: isoMs(p.updated_at),
    started_at: isoMs(p.started_at), finished_at: isoMs(p.finished_at), user: render("gitlab/user-basic", { ...GL_USERS[p.user], web: ctx.web }),
    duration: p.finished_at ? Math.round(p.busy / 1000) : null,
    queued_duration: p.started_at ? secs(p.created_at, p.started_at) : null,
    coverage: unit ? unit.def.coverage.toFixed(2) : null, status_icon: p.status, status_text: text, status_label: label,
    favicon_digest: "8451333011eee8ce9f2ab25dc487fe24a8758c694827a582f17f42b0a90446a2",
  };
}

const pipelineBasic = (l, p, ctx) => render("gitlab/pipeline-basic", pipelineVars(l, p, ctx));
const pipelineFull = (l, p, ctx) => render("gitlab/pipeline", pipelineVars(l, p, ctx));

const ARTIFACTS = {
  archive: [{ file_type: "archive", size: 4821337, filename: "artifacts.zip", file_format: "zip" }, { file_type: "metadata", size: 186, filename: "metadata.gz", file_format: "gzip" }],
  junit: [{ file_type: "junit", size: 612, filename: "junit.xml.gz", file_format: "gzip" }],
};

function jobPayload(l, job, ctx) {
  const p = l.pipelines.get(job.pipeline_id);
  const project = l.projects.get(p.project_id);
  const ran = job.started_at != null;
  const done = job.finished_at != null;
  const artifacts = done ? [...(ARTIFACTS[job.def.artifacts] ?? []), { file_type: "trace", size: gitlabTrace({ project, pipeline: p, job, now: Date.now() }).length, filename: "job.log", file_format: null }] : [];
  const pipeline = render("gitlab/pipeline-basic", pipelineVars(l, p, ctx));
  delete pipeline.name;
  return render("gitlab/job", {
    id: job.id, status: job.status, stage: job.stage, name: job.name, ref: p.ref, coverage: done && job.def.coverage && job.status === "success" ? job.def.coverage : null,
    allow_failure: job.allow_failure, created_at: isoMs(job.created_at), started_at: isoMs(job.started_at), finished_at: isoMs(job.finished_at),
    duration: ran ? secs(job.started_at, job.finished_at ?? Date.now()) : null,
    queued_duration: job.queued_at != null ? secs(job.queued_at, job.started_at ?? Date.now()) : null,
    user: render("gitlab/user", { ...GL_USERS[p.user], web: ctx.web }), sha: p.sha, short_sha: p.sha.slice(0, 8), before_sha: p.before_sha,
    committed_at: isoMs(p.created_at - 95 * 1000).replace("Z", "+00:00"), commit_title: p.message, commit_message: `${p.message}\n`,
    author_name: GL_USERS[p.user].name, author_email: GL_USERS[p.user].email, web: ctx.web, path_with_namespace: project.path, pipeline,
    // GitLab sends failure_reason only for failed jobs and artifacts_file only with an archive.
    failure_reason: job.failure_reason ?? undefined,
    artifacts_file: done && job.def.artifacts === "archive" ? { filename: "artifacts.zip", size: 4821337 } : undefined,
    artifacts, artifacts_expire_at: done && job.def.artifacts ? isoMs(job.finished_at + 30 * 24 * 3600 * 1000) : null,
    runner: ran ? { id: 12270837, description: "3-blue.saas-linux-small-amd64.runners-manager.gitlab.com/default", ip_address: null, active: true, paused: false, is_shared: true, runner_type: "instance_type", name: "gitlab-runner", online: true, status: "online" } : null,
    runner_manager: ran ? { id: 62314, system_id: "s_cf1798852952", version: "17.6.0", revision: "374d34fd", platform: "linux", architecture: "amd64", created_at: "2026-11-01T04:12:50.331Z", contacted_at: isoMs(job.started_at), ip_address: null, status: "online" } : null,
  });
}

// ---- handlers -------------------------------------------------------------------------------

function projectOf(l, ctx) {
  const project = findProject(l, ctx.params.id);
  if (!project) fail(404, { message: "404 Project Not Found" });
  return project;
}

function pipelineOf(l, ctx, project) {
  const p = l.pipelines.get(Number(ctx.params.pipeline));
  if (!p || p.project_id !== project.id) fail(404, { message: "404 Not found" });
  return p;
}

/** One page with GitLab's x-* headers and Link (first and last always). */
function paged(ctx, items) {
  const { page, perPage } = pageParams(ctx.url.searchParams, 20);
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n, rel) => `<${pageUrl(ctx.base, ctx.url, n)}>; rel="${rel}"`;
  const links = [...(page > 1 ? [link(page - 1, "prev")] : []), ...(page < pages ? [link(page + 1, "next")] : []), link(1, "first"), link(pages, "last")];
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: {
      "x-page": String(page), "x-per-page": String(perPage), "x-total": String(items.length), "x-total-pages": String(pages),
      "x-next-page": page < pages ? String(page + 1) : "", "x-prev-page": page > 1 ? String(page - 1) : "", Link: links.join(", "),
    },
  };
}

const ORDER = { id: (p) => p.id, status: (p) => p.status, ref: (p) => p.ref, updated_at: (p) => p.updated_at, user_id: (p) => GL_USERS[p.user].id };
const SCOPES = { running: ["running"], pending: ["pending"], finished: ["success", "failed", "canceled", "skipped"] };

function listPipelines(l, ctx) {
  const project = projectOf(l, ctx);
  const q = ctx.url.searchParams;
  const key = ORDER[q.get("order_by") ?? "id"] ?? ORDER.id;
  const dir = q.get("sort") === "asc" ? 1 : -1;
  const pipelines = [...l.pipelines.values()]
    .filter((p) => p.project_id === project.id)
    .filter((p) => !q.get("ref") || p.ref === q.get("ref"))
    .filter((p) => !q.get("status") || p.status === q.get("status"))
    .filter((p) => !q.get("source") || p.source === q.get("source"))
    .filter((p) => !q.get("sha") || p.sha === q.get("sha"))
    .filter((p) => !q.get("username") || p.user === q.get("username"))
    .filter((p) => !SCOPES[q.get("scope")] || SCOPES[q.get("scope")].includes(p.status))
    .sort((a, b) => (key(a) > key(b) ? dir : key(a) < key(b) ? -dir : dir * (a.id - b.id)));
  const page = paged(ctx, pipelines);
  return reply(200, page.items.map((p) => pipelineBasic(l, p, ctx)), page.headers);
}

function listJobs(l, ctx) {
  const p = pipelineOf(l, ctx, projectOf(l, ctx));
  const q = ctx.url.searchParams;
  const scope = [...q.getAll("scope"), ...q.getAll("scope[]")];
  const retried = q.get("include_retried") === "true" ? [...l.jobs.values()].filter((job) => job.pipeline_id === p.id && job.retried) : [];
  const jobs = [...pipelineJobs(l, p), ...retried]
    .filter((job) => !scope.length || scope.includes(job.status))
    .sort((a, b) => b.id - a.id);
  const page = paged(ctx, jobs);
  return reply(200, page.items.map((job) => jobPayload(l, job, ctx)), page.headers);
}

function createPipelineRoute(l, ctx) {
  const project = projectOf(l, ctx);
  const body = ctx.body.trim().startsWith("{") ? parseJson(ctx.body) : Object.fromEntries(new URLSearchParams(ctx.body));
  if (!body) fail(400, { message: "400 Bad request - Invalid JSON" });
  const ref = body.ref ?? ctx.url.searchParams.get("ref");
  if (!ref) fail(400, { error: "ref is missing" });
  if (!Object.hasOwn(project.branches, ref)) fail(400, { message: { base: ["Reference not found"] } });
  const variables = (Array.isArray(body.variables) ? body.variables : []).map((v) => ({ key: v.key, variable_type: v.variable_type ?? "env_var", value: String(v.value ?? "") }));
  const p = createPipeline(l, { project: project.id, ref, source: "api", user: ctx.auth.user, variables });
  return reply(201, pipelineFull(l, p, ctx));
}

const ROUTES = [
  ["GET", "/api/v4/user", "user", (l, ctx) => reply(200, render("gitlab/current-user", { ...GL_USERS[ctx.auth.user], web: ctx.web }))],
  ["GET", "/api/v4/personal_access_tokens/self", "any", (l, ctx) => {
    const t = ctx.auth;
    return reply(200, render("gitlab/personal-access-token", {
      id: t.id, name: t.name, description: "Quantum Admin CI panel", created_at: "2026-06-02T08:14:31.207Z", scopes: t.scopes,
      user_id: GL_USERS[t.user].id, last_used_at: isoMs(Date.now() - (Date.now() % 600000)), expires_at: "2027-06-02",
    }));
  }],
  ["GET", "/api/v4/projects/:id", "read", (l, ctx) => {
    const p = projectOf(l, ctx);
    const ns = p.namespace;
    const updates = [...l.pipelines.values()].filter((x) => x.project_id === p.id).map((x) => x.updated_at);
    return reply(200, render("gitlab/project", {
      ...p, api: `${ctx.base}/api/v4`, web: ctx.web, hostname: ctx.url.hostname, name_with_namespace: p.path.split("/").join(" / "),
      path: p.name, path_with_namespace: p.path, created_at: isoMs(p.created_at), last_activity_at: isoMs(Math.max(p.created_at, ...updates)),
      namespace_id: ns.id, namespace_name: ns.name, namespace_path: ns.path, namespace_full_path: ns.full_path,
      namespace_parent_id: ns.parent_id, creator_id: GL_USERS.jdoe.id,
    }));
  }],
  ["GET", "/api/v4/projects/:id/pipelines", "read", listPipelines],
  ["POST", "/api/v4/projects/:id/pipeline", "write", createPipelineRoute],
  ["GET", "/api/v4/projects/:id/pipelines/:pipeline", "read", (l, ctx) => reply(200, pipelineFull(l, pipelineOf(l, ctx, projectOf(l, ctx)), ctx))],
  ["GET", "/api/v4/projects/:id/pipelines/:pipeline/jobs", "read", listJobs],
  ["GET", "/api/v4/projects/:id/pipelines/:pipeline/variables", "read", (l, ctx) => reply(200, pipelineOf(l, ctx, projectOf(l, ctx)).variables)],
  ["POST", "/api/v4/projects/:id/pipelines/:pipeline/retry", "write", (l, ctx) => {
    const p = pipelineOf(l, ctx, projectOf(l, ctx));
    retryPipeline(l, p);
    return reply(201, pipelineFull(l, p, ctx));
  }],
  ["POST", "/api/v4/projects/:id/pipelines/:pipeline/cancel", "write", (l, ctx) => {
    const p = pipelineOf(l, ctx, projectOf(l, ctx));
    cancelPipeline(l, p);
    return reply(200, pipelineFull(l, p, ctx));
  }],
  ["GET", "/api/v4/projects/:id/jobs/:job", "read", (l, ctx) => reply(200, jobPayload(l, jobOf(l, ctx), ctx))],
  ["GET", "/api/v4/projects/:id/jobs/:job/trace", "read", (l, ctx) => {
    const job = jobOf(l, ctx);
    const p = l.pipelines.get(job.pipeline_id);
    const text = gitlabTrace({ project: l.projects.get(p.project_id), pipeline: p, job, now: Date.now() });
    return reply(200, Buffer.from(text), { "Content-Type": "text/plain; charset=utf-8" });
  }],
].map(([method, pattern, need, handler]) => ({ method, match: compile(pattern), need, handler }));

function jobOf(l, ctx) {
  const project = projectOf(l, ctx);
  const job = l.jobs.get(Number(ctx.params.job));
  if (!job || l.pipelines.get(job.pipeline_id).project_id !== project.id) fail(404, { message: "404 Not found" });
  return job;
}

// Which token scopes let a request through.
const ALLOWED = { any: null, user: ["api", "read_api", "read_user"], read: ["api", "read_api"], write: ["api"] };

// ---- the request pipeline: token, rate limit, route, ETag -----------------------------------

const tokenOf = (req) => req.headers["private-token"] ?? /^bearer\s+(\S+)$/i.exec((req.headers.authorization ?? "").trim())?.[1];

function rateHeaders(rate) {
  return {
    "RateLimit-Name": "throttle_authenticated_api", "RateLimit-Limit": String(rate.limit), "RateLimit-Observed": String(rate.limit - rate.remaining),
    "RateLimit-Remaining": String(rate.remaining), "RateLimit-Reset": String(rate.reset), "RateLimit-ResetTime": new Date(rate.reset * 1000).toUTCString(),
  };
}

export function handleGitlab(l, ctx) {
  refreshRate(l.rate);
  const requestId = randomBytes(13).toString("base64url").toUpperCase().slice(0, 26);
  const headers = {
    "X-Request-Id": requestId, "X-Gitlab-Meta": JSON.stringify({ correlation_id: requestId, version: "1" }),
    "X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN", "Cache-Control": "max-age=0, private, must-revalidate", Vary: "Origin, Accept-Encoding",
  };
  ctx.web = ctx.base;
  const auth = l.tokens.get(tokenOf(ctx.req));
  const done = (response) => {
    const out = finish(response, headers, ctx);
    if (auth && out.status !== 304 && out.status !== 429) l.rate.remaining = Math.max(0, l.rate.remaining - 1);
    Object.assign(out.headers, rateHeaders(l.rate));
    return out;
  };
  if (!auth) return done(reply(401, { message: "401 Unauthorized" }));
  if (l.rate.remaining <= 0) {
    const wait = Math.max(1, l.rate.reset - Math.floor(Date.now() / 1000));
    return done({ status: 429, body: Buffer.from("Retry later\n"), headers: { "Content-Type": "text/plain", "Retry-After": String(wait) } });
  }
  ctx.auth = auth;
  try {
    for (const route of ROUTES) {
      const params = route.method === ctx.method || (route.method === "GET" && ctx.method === "HEAD") ? route.match(ctx.url.pathname) : null;
      if (!params) continue;
      ctx.params = params;
      const allowed = ALLOWED[route.need];
      if (allowed && !auth.scopes.some((scope) => allowed.includes(scope))) {
        const scope = allowed.filter((s) => s !== "read_user").join(" ");
        const description = "The request requires higher privileges than provided by the access token.";
        return done(reply(403, { error: "insufficient_scope", error_description: description, scope }, {
          "WWW-Authenticate": `Bearer realm="", error="insufficient_scope", error_description="${description}", scope="${scope}"`,
        }));
      }
      return done(route.handler(l, ctx));
    }
    return done(reply(404, { error: "404 Not Found" }));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return done(error.response);
  }
}

function finish(response, headers, ctx) {
  const out = { status: response.status, headers: { ...headers, ...response.headers }, body: null };
  if (Buffer.isBuffer(response.body)) out.body = response.body;
  else if (response.body != null) {
    out.body = JSON.stringify(response.body);
    out.headers["Content-Type"] = "application/json";
  }
  if (out.status === 200 && (ctx.method === "GET" || ctx.method === "HEAD")) {
    const etag = etagOf(out.body ?? "");
    out.headers.ETag = etag;
    if (etagMatches(ctx.req.headers["if-none-match"], etag)) {
      delete out.headers["Content-Type"];
      Object.assign(out, { status: 304, body: null });
    }
  }
  return out;
}
