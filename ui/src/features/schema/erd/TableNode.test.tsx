import { ReactFlow, ReactFlowProvider } from "@xyflow/react";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Schema } from "../../../api";
import shopJson from "../../../../../crates/schema/tests/golden/shop.sqlite.json";
import { nodeHeight, NODE_WIDTH, type TableNode as TableNodeType } from "./layout";
import { DETAIL_ZOOM, TableNode } from "./TableNode";

const orders = (shopJson as Schema).tables.find((table) => table.name === "orders")!;
const node: TableNodeType = {
  id: "orders",
  type: "table",
  position: { x: 0, y: 0 },
  width: NODE_WIDTH,
  height: nodeHeight(orders),
  data: { table: orders },
};

function drawAt(zoom: number) {
  render(
    <ReactFlowProvider>
      <div style={{ width: 800, height: 600 }}>
        <ReactFlow nodes={[node]} nodeTypes={{ table: TableNode }} minZoom={0.05} defaultViewport={{ x: 0, y: 0, zoom }} />
      </div>
    </ReactFlowProvider>,
  );
  return screen.getByTestId("erd-table");
}

describe("TableNode", () => {
  it("lists the columns where they can be read", () => {
    const box = drawAt(DETAIL_ZOOM);
    expect(within(box).getByText("orders")).toBeInTheDocument();
    expect(within(box).getByText("customer_id")).toBeInTheDocument();
  });

  it("keeps only the name when zoomed too far out to read the columns", () => {
    const box = drawAt(DETAIL_ZOOM / 2);
    expect(within(box).getByText("orders")).toBeInTheDocument();
    expect(within(box).queryByText("customer_id")).not.toBeInTheDocument();
    expect(within(box).getByTestId("erd-columns-far")).toBeInTheDocument();
  });
});
