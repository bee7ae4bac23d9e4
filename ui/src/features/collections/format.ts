import type { Collection, CollectionIndexKey, DocumentField } from "../../api";

/** How deep a field sits: `a` 0, `a.b` 1, `items[].sku` 1 (an array's elements are one level). */
export function fieldDepth(path: string): number {
  return path.replace(/\[\]/g, "").split(".").length - 1 + (path.endsWith("[]") ? 1 : 0);
}

/** The last segment of a path, shown indented under its parent: `address.city` → `city`. */
export function fieldName(path: string): string {
  if (path.endsWith("[]")) return "[ ]";
  const dot = path.lastIndexOf(".");
  return dot === -1 ? path : path.slice(dot + 1);
}

/** A share of the sample as a whole percentage; a rare field never rounds to 0 %. */
export function share(count: number, of: number): string {
  if (of === 0) return "—";
  const percent = (count / of) * 100;
  if (percent > 0 && percent < 1) return "< 1 %";
  return `${Math.round(percent)} %`;
}

/** A field seen in every document with a single type: what a schema would call required. */
export function isUniform(field: DocumentField, sampled: number): boolean {
  return field.present === sampled && field.types.length === 1;
}

/** An index's keys as `mongosh` writes them: `{ customerId: 1, createdAt: -1 }`. */
export function indexKeys(keys: CollectionIndexKey[]): string {
  const value = (kind: string) => (kind === "asc" ? "1" : kind === "desc" ? "-1" : `"${kind}"`);
  return `{ ${keys.map((key) => `${key.field}: ${value(key.kind)}`).join(", ")} }`;
}

/** What kind of collection it is, in a word or two. */
export function describeKind(collection: Collection): string {
  if (collection.kind === "view") return `view on ${collection.viewOn ?? "?"}`;
  if (collection.kind === "timeseries") return "time series";
  return collection.capped ? "capped collection" : "collection";
}
