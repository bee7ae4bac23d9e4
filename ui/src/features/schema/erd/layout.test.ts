import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type DiagramGraph, type Schema, type Table } from "../../../api";
import type * as ApiModule from "../../../api";
import shopJson from "../../../../../crates/schema/tests/golden/shop.sqlite.json";
import { findTables, layoutSchema, neighbourhood, nodeHeight, qualifiedName, NODE_WIDTH } from "./layout";

vi.mock("../../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { schemaDiagramLayout: vi.fn() } };
});

// Where the boxes go is the core's (crates/schema/src/diagram.rs, with its own tests): here a
// stand-in puts box i at (i * 1000, i), so each node's position says which box it was.
beforeEach(() => {
  vi.mocked(api.schemaDiagramLayout).mockReset();
  vi.mocked(api.schemaDiagramLayout).mockImplementation((graph: DiagramGraph) =>
    Promise.resolve(graph.boxes.map((_, i) => ({ x: i * 1000, y: i }))),
  );
});

const sentGraph = () => vi.mocked(api.schemaDiagramLayout).mock.lastCall![0];

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
  // A new schema object each time: layouts are kept per schema object.
  const fresh = () => structuredClone(shop);

  it("draws a node for every table and view, sized by its columns, where the core placed its box", async () => {
    const { nodes } = await layoutSchema(fresh());
    expect(nodes.map((node) => node.id).sort()).toEqual(
      ["customers", "order_items", "order_totals", "orders", "products"],
    );
    const { boxes } = sentGraph();
    for (const node of nodes) {
      expect(node.type).toBe("table");
      expect(node.width).toBe(NODE_WIDTH);
      expect(node.height).toBe(nodeHeight(node.data.table));
      const box = node.position.y;
      expect(node.position.x).toBe(box * 1000);
      expect(boxes[box]).toEqual({ width: NODE_WIDTH, height: nodeHeight(node.data.table) });
    }
  });

  it("draws one edge per foreign key, from the child table to the one it references", async () => {
    const { nodes, edges } = await layoutSchema(fresh());
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
    // The core gets the same links, child first, by box.
    const box = (id: string) => nodes.find((node) => node.id === id)!.position.y;
    expect(sentGraph().links.map((link) => [link.source, link.target]).sort()).toEqual(
      edges.map((edge) => [box(edge.source), box(edge.target)]).sort(),
    );
  });

  it("shows only a table's neighbourhood when asked", async () => {
    const { nodes, edges } = await layoutSchema(fresh(), "orders");
    expect(nodes.map((node) => node.id).sort()).toEqual(["customers", "order_items", "orders"]);
    expect(sentGraph().boxes).toHaveLength(3);
    // Links between the neighbours stay, including the self-reference.
    expect(edges.map((edge) => `${edge.source}>${edge.target}`).sort()).toEqual([
      "customers>customers",
      "order_items>orders",
      "orders>customers",
    ]);
  });

  it("skips a key that references a table outside the schema", async () => {
    const { nodes, edges } = await layoutSchema(schemaOf([table("app", "posts", [["auth", "users"]])]));
    expect(nodes).toHaveLength(1);
    expect(edges).toEqual([]);
    expect(sentGraph().links).toEqual([]);
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
    expect(api.schemaDiagramLayout).toHaveBeenCalledTimes(3);
  });

  it("asks again after a layout failed", async () => {
    const schema = schemaOf([table(null, "a")]);
    vi.mocked(api.schemaDiagramLayout).mockRejectedValueOnce(new Error("no"));
    await expect(layoutSchema(schema)).rejects.toThrow("no");
    expect((await layoutSchema(schema)).nodes).toHaveLength(1);
  });
});
