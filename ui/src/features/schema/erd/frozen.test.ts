// The built app runs with Object.prototype frozen (Tauri's `freezePrototype`). A library
// that assigns an inherited property (`obj.toString = …`, `proto.constructor = …`) throws
// there, at load or at first use. Vitest runs each file in its own context, so freezing
// here touches no other test.
import { expect, it } from "vitest";
import type { Schema } from "../../../api";
import shopJson from "../../../../../crates/schema/tests/golden/shop.sqlite.json";

it("lays the schema out with the built-in prototypes frozen", async () => {
  for (const builtin of [Object, Array, Function, String, Number, Boolean, Symbol, Error, Map, Set, Promise, RegExp, Date]) {
    Object.freeze(builtin.prototype);
  }
  expect(Object.isFrozen(Object.prototype)).toBe(true);
  expect(() => {
    // Modules are strict code: the assignment throws instead of doing nothing.
    const probe: { toString?: () => string } = {};
    probe.toString = () => "";
  }).toThrow(TypeError);

  // Loaded only now, so that the layout library's own start-up runs frozen too.
  const { layoutSchema, neighbourhood } = await import("./layout");
  const { nodes, edges } = layoutSchema(shopJson as Schema);
  expect(nodes).toHaveLength(5);
  expect(edges).toHaveLength(4);
  expect(nodes.every((node) => Number.isFinite(node.position.x) && Number.isFinite(node.position.y))).toBe(true);
  expect(layoutSchema(shopJson as Schema, "orders").nodes).toHaveLength(3);
  expect(neighbourhood(shopJson as Schema, "products").size).toBe(2);
});
