import { describe, expect, it } from "vitest";
import type { Schema, Table } from "../../../api";
import shopJson from "../../../../../crates/schema/tests/golden/shop.sqlite.json";
import { findTables, layoutSchema, neighbourhood, nodeHeight, qualifiedName, NODE_WIDTH } from "./layout";

// The inspector's real output: a view, a self-reference (customers.referred_by) and a
// composite key (order_items (sku, variant) → products).
const shop = shopJson as Schema;

function table(schema: string | null, name: string, refs: [string | null, string][] = []): Table {
  return {
    schema,
    name,
    kind: "table",
    comment: null,
    columns: [{ name: "id", dataType: "int", nullable: false, default: null, generated: null, autoIncrement: true, comment: null }],
    primaryKey: { name: null, columns: ["id"] },
    foreignKeys: refs.map(([refSchema, refTable]) => ({
      name: null,
      columns: [`${refTable}_id`],
      refSchema,
      refTable,
      refColumns: ["id"],
      onDelete: "noAction",
      onUpdate: "noAction",
    })),
    uniques: [],
    indexes: [],
    checks: [],
    rowEstimate: null,
    sizeBytes: null,
    definition: null,
  };
}

const schemaOf = (tables: Table[]): Schema => ({ engine: "postgres", database: "app", tables, enums: [] });

describe("qualifiedName", () => {
  it("prefixes the schema when there is one", () => {
    expect(qualifiedName({ schema: "public", name: "users" })).toBe("public.users");
    expect(qualifiedName({ schema: null, name: "users" })).toBe("users");
  });
});

describe("layoutSchema", () => {
  it("draws a node for every table and view, sized by its columns", () => {
    const { nodes } = layoutSchema(shop);
    expect(nodes.map((node) => node.id).sort()).toEqual(
      ["customers", "order_items", "order_totals", "orders", "products"],
    );
    for (const node of nodes) {
      expect(node.type).toBe("table");
      expect(node.width).toBe(NODE_WIDTH);
      expect(node.height).toBe(nodeHeight(node.data.table));
    }
  });

  it("draws one edge per foreign key, from the child table to the one it references", () => {
    const { edges } = layoutSchema(shop);
    const links = edges.map((edge) => [edge.source, edge.target, edge.label]);
    expect(links).toEqual(
      expect.arrayContaining([
        ["customers", "customers", "referred_by"],
        ["order_items", "orders", "order_id"],
        ["order_items", "products", "sku, variant"],
        ["orders", "customers", "customer_id"],
      ]),
    );
    expect(edges).toHaveLength(4);
    expect(new Set(edges.map((edge) => edge.id)).size).toBe(4);
  });

  it("places no two tables over each other", () => {
    const tables = Array.from({ length: 30 }, (_, i) =>
      table("public", `t${i}`, i === 0 ? [] : [["public", `t${Math.floor(i / 3)}`]]),
    );
    for (const schema of [shop, schemaOf(tables)]) {
      const { nodes } = layoutSchema(schema);
      for (const [i, a] of nodes.entries()) {
        for (const b of nodes.slice(i + 1)) {
          const apart =
            a.position.x + a.width! <= b.position.x ||
            b.position.x + b.width! <= a.position.x ||
            a.position.y + a.height! <= b.position.y ||
            b.position.y + b.height! <= a.position.y;
          expect(apart, `${a.id} and ${b.id} overlap`).toBe(true);
        }
      }
    }
  });

  it("puts a child table to the left of the table it references", () => {
    const { nodes } = layoutSchema(shop);
    const x = (id: string) => nodes.find((node) => node.id === id)!.position.x;
    expect(x("order_items")).toBeLessThan(x("orders"));
    expect(x("orders")).toBeLessThan(x("customers"));
  });

  it("shows only a table's neighbourhood when asked", () => {
    const { nodes, edges } = layoutSchema(shop, "orders");
    expect(nodes.map((node) => node.id).sort()).toEqual(["customers", "order_items", "orders"]);
    // Links between the neighbours stay, including the self-reference.
    expect(edges.map((edge) => `${edge.source}>${edge.target}`).sort()).toEqual([
      "customers>customers",
      "order_items>orders",
      "orders>customers",
    ]);
  });

  it("skips a key that references a table outside the schema", () => {
    const { nodes, edges } = layoutSchema(schemaOf([table("app", "posts", [["auth", "users"]])]));
    expect(nodes).toHaveLength(1);
    expect(edges).toEqual([]);
  });
});

describe("neighbourhood", () => {
  it("follows foreign keys in both directions, one step", () => {
    expect([...neighbourhood(shop, "orders")].sort()).toEqual(["customers", "order_items", "orders"]);
    expect([...neighbourhood(shop, "products")].sort()).toEqual(["order_items", "products"]);
    expect([...neighbourhood(shop, "order_totals")]).toEqual(["order_totals"]);
  });

  it("resolves a key without a schema in its own table's schema", () => {
    const schema = schemaOf([table("app", "users"), table("app", "posts", [[null, "users"]]), table("other", "users")]);
    expect([...neighbourhood(schema, "app.posts")].sort()).toEqual(["app.posts", "app.users"]);
  });

  it("is empty for a table that is not there", () => {
    expect(neighbourhood(shop, "nope").size).toBe(0);
  });
});

describe("findTables", () => {
  it("ranks exact names, then prefixes, then the rest", () => {
    expect(findTables(shop, "order")).toEqual(["order_items", "order_totals", "orders"]);
    expect(findTables(shop, "orders")).toEqual(["orders"]);
    expect(findTables(shop, "TOTAL")).toEqual(["order_totals"]);
    expect(findTables(shop, "  ")).toEqual([]);
  });

  it("matches the bare name of a table in a schema", () => {
    const schema = schemaOf([table("public", "users"), table("audit", "user_events")]);
    expect(findTables(schema, "users")).toEqual(["public.users"]);
    expect(findTables(schema, "user")).toEqual(["audit.user_events", "public.users"]);
  });
});

describe("layoutSchema's memory", () => {
  it("lays a schema out once per table shown around, and again for a new inspection", () => {
    const schema = schemaOf([table(null, "a"), table(null, "b", [[null, "a"]])]);
    const first = layoutSchema(schema);
    expect(layoutSchema(schema)).toBe(first);
    expect(layoutSchema(schema, "a")).not.toBe(first);
    expect(layoutSchema(structuredClone(schema))).not.toBe(first);
  });
});
