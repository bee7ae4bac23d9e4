import { describe, expect, it } from "vitest";
import type { Schema } from "../../api";
import shopJson from "../../../../crates/schema/tests/golden/shop.sqlite.json";
import { filterTables, qualifiedName, referencesTo } from "./queries";

// What the inspector returned for the SQLite fixture (crates/schema/tests/golden).
const shop = shopJson as Schema;

describe("the schema browser's table helpers", () => {
  it("filters tables by any part of their name, ignoring case", () => {
    expect(filterTables(shop.tables, "ORDER").map(qualifiedName)).toEqual(["order_items", "order_totals", "orders"]);
    expect(filterTables(shop.tables, "  ")).toHaveLength(shop.tables.length);
    expect(filterTables(shop.tables, "nothing")).toEqual([]);
  });

  it("finds every foreign key that points at a table, self-references included", () => {
    const customers = shop.tables.find((t) => t.name === "customers")!;
    expect(referencesTo(shop.tables, customers)).toEqual([
      { from: "customers", columns: ["referred_by"], refColumns: ["id"] },
      { from: "orders", columns: ["customer_id"], refColumns: ["id"] },
    ]);
  });

  it("names a table with its schema where the engine has schemas", () => {
    expect(qualifiedName({ schema: "sales", name: "orders" })).toBe("sales.orders");
    expect(qualifiedName({ schema: null, name: "orders" })).toBe("orders");
  });
});
