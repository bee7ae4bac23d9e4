import { describe, expect, it } from "vitest";
import type { Release } from "../../api/deploy";
import { previousLive, releaseDiff } from "./releaseDiff";

const release = (id: number, overrides: Partial<Release> = {}): Release => ({
  id,
  projectId: 1,
  environment: "staging",
  kind: "deploy",
  rollbackOf: null,
  version: `v${id}`,
  gitCommit: `${id}`.repeat(40),
  image: `shop:v${id}`,
  imageId: `sha256:${`${id}`.repeat(64)}`,
  containerName: null,
  status: "replaced",
  error: null,
  actor: "ada",
  settings: { port: 8080, publish: 8000, keep: 3, health: { kind: "http", path: "/up", status: null }, variables: { A: "f1", B: "f2" } },
  startedAt: 0,
  finishedAt: 1,
  data: { migrated: [], restored: [] },
  ...overrides,
});

describe("the diff of two releases", () => {
  it("names the version, commit and image that changed", () => {
    const fields = releaseDiff(release(1), release(2)).map((change) => change.field);
    expect(fields).toEqual(["Version", "Commit", "Image", "Image ID"]);
  });

  it("shows settings that changed, health checks in words", () => {
    const after = release(2, {
      version: "v1",
      gitCommit: "1".repeat(40),
      image: "shop:v1",
      imageId: `sha256:${"1".repeat(64)}`,
      settings: { port: 9090, publish: 8000, keep: 3, health: { kind: "http", path: "/up", status: 200 }, variables: { A: "f1", B: "f2" } },
    });
    expect(releaseDiff(release(1), after)).toEqual([
      { field: "Container port", from: "8080", to: "9090" },
      { field: "Health check", from: "http /up", to: "http /up → 200" },
    ]);
  });

  it("tells variables added, removed and changed, never their values", () => {
    const after = release(1, { settings: { port: 8080, publish: 8000, keep: 3, health: { kind: "http", path: "/up", status: null }, variables: { A: "f9", C: "f3" } } });
    expect(releaseDiff(release(1), after)).toEqual([
      { field: "Variable A", from: "a value", to: "another value" },
      { field: "Variable B", from: "set", to: "—" },
      { field: "Variable C", from: "—", to: "set" },
    ]);
  });

  it("compares with the release that went live before, skipping failed ones and other environments", () => {
    const history = [
      release(4),
      release(3, { error: "unhealthy", status: "failed" }),
      release(2, { environment: "prod" }),
      release(1),
    ];
    expect(previousLive(history, history[0])?.id).toBe(1);
    expect(previousLive(history, history[3])).toBeNull();
  });
});
