import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Schema, type Settings } from "../../../api";
import type * as ApiModule from "../../../api";
import { renderWithApp } from "../../../test/render";
import shopJson from "../../../../../crates/schema/tests/golden/shop.sqlite.json";
import { ErdView, LARGE_SCHEMA } from "./ErdView";

vi.mock("../../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { settingsGet: vi.fn(), schemaDiagramLayout: vi.fn() } };
});

const shop = shopJson as Schema;

const settings = (theme: Settings["theme"]): Settings => ({
  theme,
  closeToTray: true,
  logLevel: "info",
  engineImages: {},
  autoCheckUpdates: true,
  autoInstallUpdates: false,
  skippedVersion: null,
  updateEndpoint: null,
  startAtLogin: false,
  desktopNotifications: true,
  snapshotsKept: 10,
  testRunsKept: 100,
  editorCommand: null,
  docsUrl: null,
});

const shownTables = () => screen.getAllByTestId("erd-table").map((node) => node.dataset.table).sort();

/** Keeps the selection the way a page would, and reports each change to the test. */
function Harness({ initial, onSelect }: { initial: string | null; onSelect: (name: string | null) => void }) {
  const [selected, setSelected] = useState(initial);
  return (
    <ErdView
      schema={shop}
      selected={selected}
      onSelect={(name) => {
        setSelected(name);
        onSelect(name);
      }}
    />
  );
}

function setUp(selected: string | null = null) {
  const onSelect = vi.fn();
  renderWithApp(<Harness initial={selected} onSelect={onSelect} />);
  return { onSelect, user: userEvent.setup() };
}

const tableNode = (name: string) => screen.getAllByTestId("erd-table").find((node) => node.dataset.table === name)!;

describe("ErdView", () => {
  beforeEach(() => {
    // jsdom has no matchMedia; the theme follows it.
    window.matchMedia = vi.fn().mockReturnValue({ matches: false, addEventListener: vi.fn(), removeEventListener: vi.fn() });
    vi.mocked(api.settingsGet).mockResolvedValue(settings("dark"));
    // The core's layout (tested in crates/schema): here boxes in a row.
    vi.mocked(api.schemaDiagramLayout).mockImplementation((graph) =>
      Promise.resolve(graph.boxes.map((_, i) => ({ x: i * 300, y: 0 }))),
    );
  });

  it("draws every table with its columns and keys, views dashed", async () => {
    setUp();
    expect(screen.getByTestId("erd-laying-out")).toHaveTextContent("Laying out the diagram…");
    await waitFor(() => expect(screen.queryByTestId("erd-laying-out")).not.toBeInTheDocument());
    expect(shownTables()).toEqual(["customers", "order_items", "order_totals", "orders", "products"]);
    const items = tableNode("order_items");
    expect(within(items).getByText("variant").parentElement).toHaveTextContent(/PK\s*FK/);
    expect(within(tableNode("customers")).getByText("email").parentElement).toHaveTextContent("UK");
    expect(tableNode("order_totals")).toHaveClass("erd-table-view");
    // The app's dark theme reaches React Flow.
    await waitFor(() => expect(screen.getByTestId("rf__wrapper")).toHaveClass("dark"));
  });

  it("selects a table on click and highlights the selected one", async () => {
    const { onSelect } = setUp();
    await screen.findAllByTestId("erd-table");
    expect(tableNode("products")).not.toHaveClass("is-selected");
    // A click alone: user-event's mousedown carries no window, which d3-zoom's pan handler needs.
    fireEvent.click(within(tableNode("products")).getByText("products"));
    expect(onSelect).toHaveBeenCalledWith("products");
    expect(tableNode("products")).toHaveClass("is-selected");
  });

  it("finds a table by name on Enter or on a click on a match", async () => {
    const { onSelect, user } = setUp();
    const search = screen.getByLabelText("Find a table");
    expect(search).toBe(screen.getByTestId("erd-search"));
    await user.type(search, "order");
    expect(screen.getAllByRole("option").map((option) => option.textContent)).toEqual([
      "order_items",
      "order_totals",
      "orders",
    ]);
    await user.keyboard("{ArrowDown}{Enter}");
    expect(onSelect).toHaveBeenLastCalledWith("order_totals");
    await user.clear(search);
    await user.type(search, "cust");
    await user.click(screen.getByRole("option", { name: "customers" }));
    expect(onSelect).toHaveBeenLastCalledWith("customers");
  });

  it("shows only the selected table's neighbours when asked", async () => {
    const { user } = setUp("orders");
    const toggle = screen.getByTestId("erd-neighbours");
    expect(toggle).toHaveAttribute("aria-pressed", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-pressed", "true");
    await waitFor(() => expect(shownTables()).toEqual(["customers", "order_items", "orders"]));
    await user.click(toggle);
    await waitFor(() => expect(shownTables()).toHaveLength(5));
  });

  it("starts a large schema from one table's neighbours, and draws it all only when asked", async () => {
    const chain: Schema = {
      ...shop,
      tables: Array.from({ length: LARGE_SCHEMA + 1 }, (_, i) => ({
        ...shop.tables.find((t) => t.name === "customers")!,
        name: `t${String(i).padStart(3, "0")}`,
        foreignKeys: [],
      })),
    };
    const user = userEvent.setup();
    renderWithApp(<ErdView schema={chain} selected={null} onSelect={vi.fn()} />);
    expect(screen.getByTestId("erd-held")).toHaveTextContent(`${LARGE_SCHEMA + 1} tables are a lot to draw`);
    expect(screen.queryAllByTestId("erd-table")).toHaveLength(0);
    await user.click(screen.getByTestId("erd-draw-all"));
    expect(await screen.findAllByTestId("erd-table")).toHaveLength(LARGE_SCHEMA + 1);
  });

  it("says why when the diagram cannot be laid out", async () => {
    vi.mocked(api.schemaDiagramLayout).mockRejectedValue(new Error("A diagram link joins box 0 to box 9, but there are 5 boxes."));
    // A new inspection: the layouts of the one before are kept.
    renderWithApp(<ErdView schema={structuredClone(shop)} selected={null} onSelect={vi.fn()} />);
    expect(await screen.findByTestId("erd-failed")).toHaveTextContent(
      "The diagram could not be laid out: A diagram link joins box 0 to box 9",
    );
    expect(screen.queryAllByTestId("erd-table")).toHaveLength(0);
  });
});
