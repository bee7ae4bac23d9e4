import { describe, expect, it } from "vitest";
import type { PrunePlan } from "../../api";
import { chosenPart } from "./prune";

const scan: PrunePlan = {
  items: [
    { kind: "container", id: "c1", name: "old-run", sizeBytes: null, why: "exited" },
    { kind: "image", id: "sha256:1", name: "1", sizeBytes: 300, why: "dangling" },
    { kind: "volume", id: "scratch", name: "scratch", sizeBytes: 40, why: "unused" },
  ],
  kept: [{ kind: "volume", name: "shop-postgres-data", why: "shop's postgres" }],
  reclaimBytes: 340,
};
const every = { containers: true, images: true, volumes: true, networks: true, leftData: false };

describe("chosenPart", () => {
  it("lists the chosen kinds and sums only their sizes", () => {
    const part = chosenPart(scan, { ...every, images: false });
    expect(part.items.map((item) => item.id)).toEqual(["c1", "scratch"]);
    expect(part.reclaimBytes).toBe(40);
    expect(part.kept).toHaveLength(1);
  });

  it("leaves nothing, kept items included, when no kind is chosen", () => {
    const part = chosenPart(scan, { ...every, containers: false, images: false, volumes: false, networks: false });
    expect(part).toEqual({ items: [], kept: [], reclaimBytes: 0 });
  });
});
