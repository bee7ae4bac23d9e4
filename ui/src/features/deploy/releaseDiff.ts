// What differs between two releases of an environment: the version and image, the settings they
// ran with, and their variables — by name, and whether a value changed (the core keeps a keyed
// fingerprint of each value, never the value).
import type { Release } from "../../api/deploy";
import type { Value } from "../../bindings";

export type ReleaseChange = { field: string; from: string; to: string };

const SETTINGS: [key: string, label: string][] = [
  ["image", "Image name"],
  ["dockerfile", "Dockerfile"],
  ["context", "Build context"],
  ["port", "Container port"],
  ["publish", "Published port"],
  ["bind", "Bound address"],
  ["health", "Health check"],
  ["healthTimeoutSecs", "Health timeout (s)"],
  ["drainSecs", "Drain (s)"],
  ["keep", "Releases kept"],
  ["proxyImage", "Proxy image"],
];

const NONE = "—";

function asObject(value: Value | undefined): { [key: string]: Value } {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

/** A setting as one line: `http /up → 200`, `8080`. */
function text(value: Value | undefined): string {
  if (value === undefined || value === null) return NONE;
  if (typeof value !== "object") return String(value);
  const object = asObject(value);
  if (object.kind === "http") return `http ${String(object.path)}${object.status === null || object.status === undefined ? "" : ` → ${String(object.status)}`}`;
  if (typeof object.kind === "string") return object.kind;
  return JSON.stringify(value);
}

export function releaseDiff(from: Release, to: Release): ReleaseChange[] {
  const changes: ReleaseChange[] = [];
  const push = (field: string, a: string, b: string) => {
    if (a !== b) changes.push({ field, from: a, to: b });
  };
  push("Version", from.version, to.version);
  push("Commit", from.gitCommit?.slice(0, 10) ?? NONE, to.gitCommit?.slice(0, 10) ?? NONE);
  push("Image", from.image, to.image);
  push("Image ID", from.imageId?.replace("sha256:", "").slice(0, 12) ?? NONE, to.imageId?.replace("sha256:", "").slice(0, 12) ?? NONE);
  const a = asObject(from.settings);
  const b = asObject(to.settings);
  for (const [key, label] of SETTINGS) push(label, text(a[key]), text(b[key]));
  const before = asObject(a.variables);
  const after = asObject(b.variables);
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (!(name in before)) changes.push({ field: `Variable ${name}`, from: NONE, to: "set" });
    else if (!(name in after)) changes.push({ field: `Variable ${name}`, from: "set", to: NONE });
    else if (before[name] !== null && after[name] !== null && before[name] !== after[name])
      changes.push({ field: `Variable ${name}`, from: "a value", to: "another value" });
  }
  return changes;
}

/** The release of the same environment that went live before `release` (the one to compare with). */
export function previousLive(history: readonly Release[], release: Release): Release | null {
  return (
    history.find(
      (other) =>
        other.environment === release.environment &&
        other.id < release.id &&
        other.error === null &&
        other.status !== "building" &&
        other.status !== "starting" &&
        other.status !== "interrupted",
    ) ?? null
  );
}
