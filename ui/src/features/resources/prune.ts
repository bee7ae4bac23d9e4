import type { PruneKind, PruneOptions, PrunePlan } from "../../api";

export const choices: { key: Exclude<keyof PruneOptions, "leftData">; label: string }[] = [
  { key: "containers", label: "Stopped containers" },
  { key: "images", label: "Dangling images" },
  { key: "volumes", label: "Unused volumes" },
  { key: "networks", label: "Unused networks" },
];

const kindOf: Record<Exclude<keyof PruneOptions, "leftData">, PruneKind> = {
  containers: "container",
  images: "image",
  volumes: "volume",
  networks: "network",
};

/** The part of a scan of every kind that the chosen kinds take. */
export function chosenPart(scan: PrunePlan, options: PruneOptions): PrunePlan {
  const chosen = new Set(choices.filter(({ key }) => options[key]).map(({ key }) => kindOf[key]));
  const items = scan.items.filter((item) => chosen.has(item.kind));
  return {
    items,
    kept: scan.kept.filter((item) => chosen.has(item.kind)),
    reclaimBytes: items.reduce((sum, item) => sum + (item.sizeBytes ?? 0), 0),
  };
}
