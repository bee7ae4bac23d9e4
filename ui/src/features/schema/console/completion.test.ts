import { describe, expect, it } from "vitest";
import type { Schema } from "../../../api";
import shopJson from "../../../../../crates/schema/tests/golden/shop.sqlite.json";
import { aliases, quoteIdentifier, suggestionsFor } from "./completion";

const shop = shopJson as Schema;
const KEYWORDS = ["SELECT", "FROM", "WHERE"];
const labels = (before: string, full = before) => suggestionsFor(shop, before, full, KEYWORDS).map((s) => s.label);

describe("completion in the SQL console", () => {
  it("offers the tables, their columns and the keywords", () => {
    const all = suggestionsFor(shop, "SELECT ", "SELECT ", KEYWORDS);
    expect(all.filter((s) => s.kind === "table").map((s) => s.label)).toContain("orders");
    expect(all.some((s) => s.kind === "column" && s.label === "customer_id")).toBe(true);
    expect(all.filter((s) => s.kind === "keyword").map((s) => s.label)).toEqual(KEYWORDS);
  });

  it("offers a table's columns after its name or its alias and a dot", () => {
    const orderColumns = shop.tables.find((t) => t.name === "orders")!.columns.map((c) => c.name);
    expect(labels("SELECT orders.")).toEqual(orderColumns);
    const script = "SELECT o.\nFROM orders AS o JOIN customers c ON c.id = o.customer_id";
    expect(labels("SELECT o.", script)).toEqual(orderColumns);
    expect(labels("SELECT o.cu", script)).toEqual(orderColumns);
    expect(labels("SELECT nowhere.")).toEqual([]);
  });

  it("reads aliases from FROM and JOIN, not keywords that follow a table", () => {
    const found = aliases('SELECT * FROM public."Orders" o JOIN customers WHERE 1 = 1');
    expect(found.get("o")).toBe("orders");
    expect(found.get("customers")).toBe("customers");
    expect(found.has("where")).toBe(false);
  });

  it("quotes what the engine needs quoted", () => {
    expect(quoteIdentifier("orders", "postgres")).toBe("orders");
    expect(quoteIdentifier("Order Lines", "postgres")).toBe('"Order Lines"');
    expect(quoteIdentifier("order`s", "mysql")).toBe("`order``s`");
  });
});
