import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Datasource, type Drift } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { DriftDialog } from "./DriftDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { migrationsDrift: vi.fn(), migrationsFromDrift: vi.fn() } };
});

const datasource = { id: 4, name: "ledger-postgres", engine: "postgres" } as Datasource;

const drift: Drift = {
  diff: {
    tables: [
      { table: "public.notes", kind: "table", change: "added", items: [] },
      {
        table: "public.users",
        kind: "table",
        change: "changed",
        items: [{ part: "column", change: "added", name: "name", from: null, to: "text NOT NULL" }],
      },
    ],
    enums: [],
  },
  sql: { up: "ALTER TABLE public.users ADD COLUMN name text NOT NULL;", down: "ALTER TABLE public.users DROP COLUMN name;" },
  replayed: [1, 2],
  replayMs: 800,
  compareMs: 60,
};

describe("DriftDialog", () => {
  beforeEach(() => {
    vi.mocked(api.migrationsDrift).mockResolvedValue(drift);
    vi.mocked(api.migrationsFromDrift).mockResolvedValue({ up: "/p/migrations/0003_schema_drift.up.sql", down: "/p/migrations/0003_schema_drift.down.sql" });
  });

  it("shows the drift table by table and writes it as a migration", async () => {
    const user = userEvent.setup();
    renderWithApp(<DriftDialog datasource={datasource} open onClose={() => undefined} />);
    expect((await screen.findByTestId("drift-summary")).textContent).toContain("2 differences");
    const tables = screen.getAllByTestId("drift-table");
    expect(tables[0].textContent).toContain("table only in the database");
    expect(tables[1].textContent).toContain("column name only in the database: text NOT NULL");
    expect(screen.getByTestId("drift-up").textContent).toBe(drift.sql.up);
    await user.click(screen.getByTestId("drift-write"));
    expect(api.migrationsFromDrift).toHaveBeenCalledWith(4, "schema drift", drift.sql.up, drift.sql.down);
    expect(await screen.findByText("Migration written and recorded as applied")).toBeTruthy();
  });

  it("says there is no drift and offers nothing to write", async () => {
    vi.mocked(api.migrationsDrift).mockResolvedValue({ ...drift, diff: { tables: [], enums: [] } });
    renderWithApp(<DriftDialog datasource={datasource} open onClose={() => undefined} />);
    expect((await screen.findByTestId("drift-summary")).textContent).toMatch(/^No drift/);
    expect(screen.queryByTestId("drift-write")).toBeNull();
  });
});
