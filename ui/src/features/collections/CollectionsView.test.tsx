import { useState } from "react";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Collection, type DocumentSample, type MongoDatabase } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { CollectionsView } from "./CollectionsView";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { collectionsDatabase: vi.fn(), collectionsSample: vi.fn() } };
});

const base: Omit<Collection, "name"> = {
  kind: "collection",
  viewOn: null,
  pipeline: null,
  timeField: null,
  metaField: null,
  capped: false,
  maxBytes: null,
  maxDocuments: null,
  validator: null,
  stats: null,
  indexes: [],
};
const shop: MongoDatabase = {
  name: "shop",
  collections: [
    {
      ...base,
      name: "orders",
      validator: { rule: '{\n  "$jsonSchema": {\n    "required": ["total"]\n  }\n}', level: "moderate", action: "warn" },
      stats: { documents: 12_500_000, dataBytes: 5_368_709_120, storageBytes: 2_147_483_648, indexBytes: 402_653_184 },
      indexes: [
        { name: "_id_", keys: [{ field: "_id", kind: "asc" }], unique: false, sparse: false, hidden: false, expireAfterSeconds: null, partialFilter: null },
        {
          name: "customerId_1_createdAt_-1",
          keys: [
            { field: "customerId", kind: "asc" },
            { field: "createdAt", kind: "desc" },
          ],
          unique: false,
          sparse: false,
          hidden: false,
          expireAfterSeconds: null,
          partialFilter: null,
        },
        { name: "expiresAt_1", keys: [{ field: "expiresAt", kind: "asc" }], unique: false, sparse: false, hidden: false, expireAfterSeconds: 3600, partialFilter: null },
      ],
    },
    { ...base, name: "order_totals", kind: "view", viewOn: "orders", pipeline: '[\n  { "$group": {} }\n]' },
  ],
};
const sample = (size: number): DocumentSample => ({
  collection: "orders",
  sampled: size === 200 ? 3 : 1000,
  complete: true,
  fields: [
    { path: "_id", present: 3, types: [{ name: "objectId", documents: 3 }], example: '{"$oid":"6569a1f0c2a4b1e3d4f5a601"}' },
    {
      path: "customerId",
      present: 3,
      types: [
        { name: "objectId", documents: 2 },
        { name: "string", documents: 1 },
      ],
      example: null,
    },
    { path: "shipping", present: 2, types: [{ name: "object", documents: 1 }, { name: "null", documents: 1 }], example: null },
    { path: "shipping.city", present: 1, types: [{ name: "string", documents: 1 }], example: '"Lyon"' },
  ],
});

function Browser() {
  const [selected, setSelected] = useState<string | null>(null);
  return <CollectionsView source={{ kind: "connection", id: 4 }} selected={selected} onSelect={setSelected} />;
}

describe("CollectionsView", () => {
  beforeEach(() => {
    vi.mocked(api.collectionsDatabase).mockResolvedValue(shop);
    vi.mocked(api.collectionsSample).mockImplementation(async (_source, _name, size) => sample(size ?? 200));
  });

  it("lists collections and views with their sizes", async () => {
    renderWithApp(<Browser />);
    const orders = (await screen.findByText("orders")).closest("tr")!;
    expect(within(orders).getByText("12,500,000")).toBeTruthy();
    expect(within(orders).getByText("5.0 GiB")).toBeTruthy();
    expect(within(orders).getByText("2.0 GiB + 384 MiB")).toBeTruthy();
    expect(within(orders).getByLabelText("validated")).toBeTruthy();
    const view = screen.getByText("order_totals").closest("tr")!;
    expect(within(view).getAllByText("—").length).toBe(4);
    expect(screen.getByTestId("collections-summary").textContent).toBe("1 collection · 1 view in shop");
  });

  it("opens a collection on its inferred fields, indexes and validator, and samples more on demand", async () => {
    renderWithApp(<Browser />);
    await userEvent.click(await screen.findByText("orders"));
    const customer = (await screen.findAllByTestId("collections-field")).find((row) => row.dataset.path === "customerId")!;
    expect(customer.textContent).toContain("objectId 67 %");
    expect(customer.textContent).toContain("string 33 %");
    const city = screen.getAllByTestId("collections-field").find((row) => row.dataset.path === "shipping.city")!;
    expect(within(city).getByText("city")).toBeTruthy();
    expect(city.textContent).toContain("33 %");

    const indexes = screen.getAllByTestId("collections-index").map((row) => row.textContent);
    expect(indexes[1]).toContain("{ customerId: 1, createdAt: -1 }");
    expect(indexes[2]).toContain("TTL 3,600 s");
    expect(screen.getByTestId("collections-validator").textContent).toContain('"required": ["total"]');
    expect(screen.getByText(/invalid writes are logged, not refused/)).toBeTruthy();

    await userEvent.selectOptions(screen.getByTestId("collections-sample-size"), "1000");
    expect(await screen.findByText(/Inferred from 1,000 documents/)).toBeTruthy();
    expect(api.collectionsSample).toHaveBeenLastCalledWith({ kind: "connection", id: 4 }, "orders", 1000);
  });

  it("says why the collections could not be read", async () => {
    vi.mocked(api.collectionsDatabase).mockRejectedValue(new Error("MongoDB at db:27017 refused the connection."));
    renderWithApp(<Browser />);
    expect(await screen.findByText(/refused the connection/)).toBeTruthy();
  });
});
