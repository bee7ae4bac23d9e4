#!/usr/bin/env node
// A local fake of the parts of the Kubernetes API a deploy uses, for the Rust integration tests
// (no cluster can run on the test machine; a real kind cluster runs in the GitHub workflow).
// Node built-ins only. See tests/fakes/README.md.
//
//   node tests/fakes/kube-server.mjs [--port N] [--verbose]
//
// Its replies have the API server's shapes (discovery lists, objects with metadata.generation and
// resourceVersion, Status objects for errors, watch events as JSON lines), and a Deployment rolls
// out as the Deployment controller does it with `maxSurge: 1, maxUnavailable: 0`: one new pod at
// a time, an old one removed only once a new one is ready. A StatefulSet rolls out as its
// controller does with `OrderedReady` pods: pods named by ordinal, replaced from the highest down,
// each only while every other is ready — so a broken pod holds it until deleted, even once the
// template is back. A pod of an image marked "crash" never becomes ready (CrashLoopBackOff, with
// a log); the rollout then stalls and old pods keep serving. Namespaced objects need their
// namespace to exist (only `default` does at the start), as on a real API server.

import http from "node:http";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { port: { type: "string", default: "0" }, verbose: { type: "boolean", default: false } } });
const log = (...parts) => args.verbose && console.error("[kube-fake]", ...parts);
const STEP_MS = 100;

const DISCOVERY = {
  "/api/v1": { groupVersion: "v1", resources: [
    { name: "configmaps", singularName: "configmap", namespaced: true, kind: "ConfigMap", verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
    { name: "pods", singularName: "pod", namespaced: true, kind: "Pod", verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
    { name: "pods/log", singularName: "", namespaced: true, kind: "Pod", verbs: ["get"] },
    { name: "secrets", singularName: "secret", namespaced: true, kind: "Secret", verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
    { name: "services", singularName: "service", namespaced: true, kind: "Service", shortNames: ["svc"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
    { name: "namespaces", singularName: "namespace", namespaced: false, kind: "Namespace", shortNames: ["ns"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
  ] },
  "/apis/apps/v1": { groupVersion: "apps/v1", resources: [
    { name: "deployments", singularName: "deployment", namespaced: true, kind: "Deployment", shortNames: ["deploy"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
    { name: "deployments/status", singularName: "", namespaced: true, kind: "Deployment", verbs: ["get", "patch", "update"] },
    { name: "statefulsets", singularName: "statefulset", namespaced: true, kind: "StatefulSet", shortNames: ["sts"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
  ] },
};

let resourceVersion = 1000;
const nextVersion = () => String(++resourceVersion);
/** Objects by "group/resource/namespace/name". */
const objects = new Map();
/** Pods by name: { owner (the workload's key), namespace, template, spec, image, ready, crash, since }. */
const pods = new Map();
/** Images whose pods crash, by image reference. */
const crashing = new Set();
/** Open watches: { key, res }. */
const watches = new Set();
const requests = [];
objects.set("/namespaces//default", { apiVersion: "v1", kind: "Namespace", metadata: { name: "default", uid: crypto.randomUUID(), resourceVersion: "1" } });

const status = (code, reason, message, details = {}) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, details, code });
const send = (res, code, body) => {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const notFound = (res, group, resource, name) => send(res, 404, status(404, "NotFound", `${resource}${group ? `.${group}` : ""} "${name}" not found`, { name, group, kind: resource }));

function notify(key, object, type = "MODIFIED") {
  for (const watch of watches) if (watch.key === key) watch.res.write(JSON.stringify({ type, object }) + "\n");
}

function store(key, object) {
  object.metadata.resourceVersion = nextVersion();
  objects.set(key, object);
  notify(key, object);
}

/** Server-side apply: the applied fields replace the object's, metadata the server owns kept. */
function apply(group, resource, namespace, name, body) {
  const key = `${group}/${resource}/${namespace ?? ""}/${name}`;
  const before = objects.get(key);
  if (resource === "secrets" && before?.immutable && JSON.stringify(before.stringData) !== JSON.stringify(body.stringData)) {
    return [422, status(422, "Invalid", `Secret "${name}" is invalid: data: Forbidden: field is immutable when \`immutable\` is set`)];
  }
  if (namespace && !objects.has(`/namespaces//${namespace}`)) return [404, status(404, "NotFound", `namespaces "${namespace}" not found`, { name: namespace, kind: "namespaces" })];
  const object = structuredClone(body);
  object.metadata = {
    ...object.metadata,
    namespace: namespace ?? undefined,
    uid: before?.metadata.uid ?? crypto.randomUUID(),
    creationTimestamp: before?.metadata.creationTimestamp ?? new Date().toISOString(),
    generation: before?.metadata.generation ?? 1,
  };
  if (resource === "deployments" || resource === "statefulsets") {
    const templateChanged = before && JSON.stringify(before.spec) !== JSON.stringify(object.spec);
    if (templateChanged) object.metadata.generation += 1;
    object.status = before?.status ?? { observedGeneration: 0 };
  }
  store(key, object);
  if (resource === "deployments") setTimeout(() => reconcile(key), STEP_MS);
  if (resource === "statefulsets") setTimeout(() => reconcileStatefulSet(key), STEP_MS);
  return [before ? 200 : 201, object];
}

const templateOf = (deployment) => JSON.stringify(deployment.spec.template);
const releaseOf = (template) => template.metadata?.annotations?.["quantum-admin/release"] ?? null;

/** One step of the Deployment controller, repeated until the rollout is done or stalled. */
function reconcile(key) {
  const deployment = objects.get(key);
  if (!deployment) return;
  const name = deployment.metadata.name;
  const namespace = deployment.metadata.namespace;
  const wanted = deployment.spec.replicas ?? 1;
  const current = templateOf(deployment);
  const mine = [...pods.values()].filter((pod) => pod.owner === key);
  const updated = mine.filter((pod) => pod.template === current);
  const old = mine.filter((pod) => pod.template !== current);
  const now = Date.now();
  for (const pod of updated) if (!pod.crash && now - pod.since >= 2 * STEP_MS) pod.ready = true;
  const readyUpdated = updated.filter((pod) => pod.ready);
  let changed = false;
  // Surge by one: a new pod while fewer than wanted are updated and none of the new is pending.
  if (updated.length < wanted && updated.length === readyUpdated.length && mine.length < wanted + 1) {
    const template = deployment.spec.template;
    const image = template.spec.containers[0].image;
    const podName = `${name}-${Math.random().toString(36).slice(2, 7)}`;
    pods.set(podName, { name: podName, owner: key, namespace, template: current, spec: template, image, ready: false, crash: crashing.has(image), since: now });
    changed = true;
  } else if (old.length > 0 && (readyUpdated.length >= wanted || readyUpdated.length + old.filter((pod) => pod.ready).length > wanted)) {
    // Scale an old pod down once a new one took its place, one that is not ready first.
    pods.delete((old.find((pod) => !pod.ready) ?? old[0]).name);
    changed = true;
  }
  const after = [...pods.values()].filter((pod) => pod.owner === key);
  const afterUpdated = after.filter((pod) => pod.template === current);
  const status = {
    observedGeneration: deployment.metadata.generation,
    replicas: after.length,
    updatedReplicas: afterUpdated.length,
    readyReplicas: after.filter((pod) => pod.ready).length,
    availableReplicas: after.filter((pod) => pod.ready).length,
    conditions: [{ type: "Available", status: "True", reason: "MinimumReplicasAvailable" }],
  };
  if (JSON.stringify(status) !== JSON.stringify(deployment.status)) {
    deployment.status = status;
    store(key, deployment);
  }
  const done = afterUpdated.length === wanted && after.length === wanted && afterUpdated.every((pod) => pod.ready);
  const stalled = afterUpdated.some((pod) => pod.crash);
  if (changed || (!done && !stalled)) setTimeout(() => reconcile(key), STEP_MS);
}

/** One step of the StatefulSet controller (`OrderedReady`, `RollingUpdate`). */
function reconcileStatefulSet(key) {
  const set = objects.get(key);
  if (!set) return;
  const { name, namespace } = set.metadata;
  const wanted = set.spec.replicas ?? 1;
  const current = templateOf(set);
  const now = Date.now();
  const mine = [...pods.values()].filter((pod) => pod.owner === key);
  for (const pod of mine) if (!pod.crash && now - pod.since >= 2 * STEP_MS) pod.ready = true;
  let changed = false;
  if (mine.every((pod) => pod.ready)) {
    const missing = [...Array(wanted).keys()].find((ordinal) => !pods.has(`${name}-${ordinal}`));
    const stale = mine.filter((pod) => pod.template !== current).sort((a, b) => b.ordinal - a.ordinal)[0];
    if (missing !== undefined) {
      const template = set.spec.template;
      const image = template.spec.containers[0].image;
      const podName = `${name}-${missing}`;
      pods.set(podName, { name: podName, ordinal: missing, owner: key, namespace, template: current, spec: template, image, ready: false, crash: crashing.has(image), since: now });
      changed = true;
    } else if (stale) {
      pods.delete(stale.name);
      changed = true;
    }
  }
  const after = [...pods.values()].filter((pod) => pod.owner === key);
  const updated = after.filter((pod) => pod.template === current).length;
  const revision = (template) => `${name}-${[...template].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7).toString(16)}`;
  const status = {
    observedGeneration: set.metadata.generation,
    replicas: after.length,
    readyReplicas: after.filter((pod) => pod.ready).length,
    currentReplicas: updated === after.length ? updated : after.length - updated,
    updatedReplicas: updated,
    currentRevision: updated === after.length ? revision(current) : (set.status?.currentRevision ?? revision(current)),
    updateRevision: revision(current),
  };
  if (JSON.stringify(status) !== JSON.stringify(set.status)) {
    set.status = status;
    store(key, set);
  }
  const done = updated === wanted && after.length === wanted && after.every((pod) => pod.ready);
  if (!done && !after.some((pod) => pod.crash)) setTimeout(() => reconcileStatefulSet(key), STEP_MS);
  else if (changed) setTimeout(() => reconcileStatefulSet(key), STEP_MS);
}

function podObject(pod) {
  const crashed = pod.crash;
  return {
    apiVersion: "v1", kind: "Pod",
    metadata: { name: pod.name, namespace: pod.namespace, labels: pod.spec.metadata?.labels ?? {}, annotations: pod.spec.metadata?.annotations ?? {}, uid: pod.name, resourceVersion: String(resourceVersion) },
    spec: pod.spec.spec,
    status: {
      phase: "Running",
      conditions: [{ type: "PodScheduled", status: "True" }, { type: "Ready", status: pod.ready ? "True" : "False" }],
      containerStatuses: pod.spec.spec.containers.map((container) => ({
        name: container.name, image: container.image, imageID: "", ready: pod.ready, restartCount: crashed ? 3 : 0, started: !crashed,
        state: crashed ? { waiting: { reason: "CrashLoopBackOff", message: `back-off 40s restarting failed container=${container.name} pod=${pod.name}` } } : { running: { startedAt: new Date(pod.since).toISOString() } },
        ...(crashed ? { lastState: { terminated: { exitCode: 1, reason: "Error", startedAt: new Date(pod.since).toISOString(), finishedAt: new Date().toISOString() } } } : {}),
      })),
    },
  };
}

function matches(labels, selector) {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    return labels?.[key] === value;
  });
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const ROUTE = /^\/(?:api\/v1|apis\/([^/]+)\/v1)\/(?:namespaces\/([^/]+)\/)?([a-z]+)(?:\/([^/]+))?(?:\/(log))?$/;

async function handle(req, res) {
  const url = new URL(req.url, "http://fake");
  const path = url.pathname;
  if (path.startsWith("/_fake/")) return control(req, res, path);
  requests.push({ method: req.method, path: `${path}${url.search}` });
  if (req.headers.authorization !== "Bearer fake-token") return send(res, 401, status(401, "Unauthorized", "Unauthorized"));
  if (req.method === "GET" && path === "/version") return send(res, 200, { major: "1", minor: "33", gitVersion: "v1.33.1", gitCommit: "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828", gitTreeState: "clean", buildDate: "2025-05-15T08:19:08Z", goVersion: "go1.24.2", compiler: "gc", platform: "linux/amd64" });
  if (req.method === "GET" && DISCOVERY[path]) return send(res, 200, { kind: "APIResourceList", apiVersion: "v1", ...DISCOVERY[path] });
  const proxied = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/:]+)(?::(\d+))?\/proxy(\/.*)?$/.exec(path);
  if (proxied && req.method === "GET") return proxy(res, proxied);
  const route = ROUTE.exec(path);
  if (!route) return send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
  const [, group = "", namespace, resource, name, sub] = route;
  const key = `${group}/${resource}/${namespace ?? ""}/${name}`;
  if (req.method === "PATCH" && name) {
    if (req.headers["content-type"] !== "application/apply-patch+yaml") return send(res, 415, status(415, "UnsupportedMediaType", "only server-side apply is faked"));
    if (url.searchParams.get("fieldManager") !== "quantum-admin") return send(res, 422, status(422, "Invalid", "fieldManager is required for apply requests"));
    const [code, body] = apply(group, resource, namespace, name, JSON.parse(await readBody(req)));
    return send(res, code, body);
  }
  if (req.method === "DELETE" && name && resource === "pods") {
    const pod = pods.get(name);
    if (!pod) return notFound(res, "", "pods", name);
    pods.delete(name);
    // Its controller makes it again, from the template it has now.
    if (pod.owner.startsWith("apps/statefulsets/")) setTimeout(() => reconcileStatefulSet(pod.owner), STEP_MS);
    return send(res, 200, podObject(pod));
  }
  if (req.method === "DELETE" && name) {
    if (!objects.delete(key)) return notFound(res, group, resource, name);
    return send(res, 200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, kind: resource } });
  }
  if (req.method !== "GET") return send(res, 405, status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
  if (resource === "pods" && sub === "log") {
    const pod = pods.get(name);
    if (!pod) return notFound(res, "", "pods", name);
    res.writeHead(200, { "content-type": "text/plain" });
    const lines = pod.crash ? ["starting shop", "Error: DATABASE_URL is not reachable", "exiting with code 1"] : ["starting shop", "listening on :8080"];
    // As the kubelet writes them: each line after its RFC 3339 time when asked.
    const stamped = url.searchParams.get("timestamps") === "true" ? lines.map((line, i) => `${new Date(pod.since + i).toISOString()} ${line}`) : lines;
    res.write(stamped.join("\n") + "\n");
    // A follow stays open for what the pod writes next (nothing, here) until the client leaves.
    if (url.searchParams.get("follow") !== "true") res.end();
    return;
  }
  if (resource === "pods" && !name) {
    const items = [...pods.values()].filter((pod) => pod.namespace === namespace).map(podObject).filter((pod) => matches(pod.metadata.labels, url.searchParams.get("labelSelector")));
    return send(res, 200, { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: String(resourceVersion) }, items });
  }
  if (!name && url.searchParams.get("watch") === "true") {
    const field = url.searchParams.get("fieldSelector")?.replace("metadata.name=", "");
    const watched = `${group}/${resource}/${namespace ?? ""}/${field}`;
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    const watch = { key: watched, res };
    watches.add(watch);
    const since = Number(url.searchParams.get("resourceVersion") ?? 0);
    const current = objects.get(watched);
    if (current && Number(current.metadata.resourceVersion) > since) res.write(JSON.stringify({ type: "MODIFIED", object: current }) + "\n");
    const timer = setTimeout(() => res.end(), Number(url.searchParams.get("timeoutSeconds") ?? 290) * 1000);
    res.on("close", () => {
      clearTimeout(timer);
      watches.delete(watch);
    });
    return;
  }
  const object = objects.get(key);
  if (!object) return notFound(res, group, resource, name);
  return send(res, 200, object);
}

/** The API server's proxy to a Service: a ready pod it selects answers, else 503 as a cluster says. */
function proxy(res, [, namespace, name, port, rest = "/"]) {
  const service = objects.get(`/services/${namespace}/${name}`);
  if (!service) return notFound(res, "", "services", name);
  if (port && !(service.spec.ports ?? []).some((p) => String(p.port) === port)) {
    return send(res, 503, status(503, "ServiceUnavailable", `no endpoints available for service "${name}:${port}"`));
  }
  const selector = Object.entries(service.spec.selector ?? {}).map(([key, value]) => `${key}=${value}`).join(",");
  const ready = [...pods.values()].filter((pod) => pod.namespace === namespace && pod.ready && matches(pod.spec.metadata?.labels, selector));
  if (ready.length === 0) return send(res, 503, status(503, "ServiceUnavailable", `no endpoints available for service "${name}"`));
  res.writeHead(200, { "content-type": "text/plain" });
  res.end(rest === "/health" ? "ok\n" : `${ready[0].image}\n`);
}

async function control(req, res, path) {
  if (req.method === "POST" && path === "/_fake/crash") {
    const { image } = JSON.parse(await readBody(req));
    crashing.add(image);
    return send(res, 200, { crashing: [...crashing] });
  }
  if (req.method === "GET" && path === "/_fake/state") {
    return send(res, 200, {
      objects: Object.fromEntries(objects),
      pods: [...pods.values()].map((pod) => ({ name: pod.name, owner: pod.owner, release: releaseOf(pod.spec), image: pod.image, ready: pod.ready })),
      requests,
    });
  }
  return send(res, 404, { error: `no control route ${path}` });
}

const server = http.createServer((req, res) => {
  log(req.method, req.url);
  handle(req, res).catch((error) => {
    console.error(error);
    send(res, 500, status(500, "InternalError", String(error)));
  });
});
server.listen(Number(args.port), "127.0.0.1", () => console.log(`listening http://127.0.0.1:${server.address().port}`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
