import { Parser } from "@dbml/core";
import { describe, expect, it } from "vitest";
import golden from "../../../../crates/schema/tests/golden/shop.sqlite.dbml?raw";

// The core's DBML export of the SQLite fixture (crates/schema/tests/golden, checked there byte for
// byte): here it must read back in @dbml/core, dbdiagram.io's own parser, with nothing lost.

describe("the DBML export", () => {
  it("parses in @dbml/core with every table, column, key, index and reference", () => {
    const database = Parser.parse(golden, "dbml");
    const tables = database.schemas.flatMap((schema) => schema.tables);
    expect(tables.map((table) => table.name).sort()).toEqual([
      "customers",
      "order_items",
      "order_totals",
      "orders",
      "products",
    ]);
    const items = tables.find((table) => table.name === "order_items")!;
    expect(items.fields.map((field) => field.name)).toEqual(["order_id", "sku", "variant", "quantity"]);
    expect(items.indexes.some((index) => index.pk && index.columns.length === 3)).toBe(true);
    const refs = database.schemas.flatMap((schema) => schema.refs);
    expect(refs).toHaveLength(4);
    const composite = refs.find((ref) => ref.endpoints.some((end) => end.fieldNames.length === 2))!;
    expect(composite.onUpdate).toBe("cascade");
    const orders = tables.find((table) => table.name === "orders")!;
    expect(orders.indexes.find((index) => index.name === "open_orders")?.note).toBe("WHERE status <> 'done'");
  });
});
