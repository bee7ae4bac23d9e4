import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Datasource, type Migrations } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { MigrationsPage } from "./MigrationsPage";

// Monaco stays out of jsdom: the editor is driven in the real window (migrations.spec.mjs).
vi.mock("./MigrationEditor", () => ({ MigrationEditor: () => null }));

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: {
      datasourceList: vi.fn(),
      migrationsStatus: vi.fn(),
      migrationsApply: vi.fn(),
      snapshotsList: vi.fn(),
      migrationsDryRun: vi.fn(),
      migrationsRollback: vi.fn(),
      migrationsCreate: vi.fn(),
    },
  };
});

const datasource = (engine: Datasource["engine"]): Datasource => ({
  id: 4,
  projectId: 7,
  name: `ledger-${engine}`,
  engine,
  image: `${engine}:latest`,
  hostPort: 5432,
  databaseName: "ledger",
  username: "quantum",
  volumeName: "ledger-data",
  autoStart: true,
  readyTimeoutSecs: 120,
  status: "ready",
  statusReason: null,
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00.000Z",
});

const status: Migrations = {
  folder: "/code/ledger/migrations/ledger-postgres",
  exists: true,
  format: "sqlx",
  migrations: [
    { version: 1, name: "create users", state: "applied", appliedAt: "2026-11-29 10:00:00+00", executionMs: 3, reversible: true, file: "1_create_users.up.sql" },
    { version: 2, name: "add email", state: "changed", appliedAt: "2026-11-29 10:00:01+00", executionMs: 2, reversible: true, file: "2_add_email.up.sql" },
    { version: 3, name: "create orders", state: "pending", appliedAt: null, executionMs: null, reversible: true, file: "3_create_orders.up.sql" },
    { version: 4, name: "", state: "missing", appliedAt: "2026-11-29 10:00:02+00", executionMs: 1, reversible: false, file: null },
  ],
};

function renderPage() {
  renderWithApp(
    <Routes>
      <Route path="/projects/:projectId/migrations" element={<MigrationsPage />} />
    </Routes>,
    { route: "/projects/7/migrations" },
  );
}

describe("MigrationsPage", () => {
  beforeEach(() => {
    vi.mocked(api.datasourceList).mockResolvedValue([datasource("postgres")]);
    vi.mocked(api.migrationsStatus).mockResolvedValue(status);
    vi.mocked(api.migrationsApply).mockResolvedValue({ versions: [3], snapshot: null });
    vi.mocked(api.migrationsRollback).mockResolvedValue({ versions: [4, 2], snapshot: null });
    vi.mocked(api.snapshotsList).mockResolvedValue([]);
    vi.mocked(api.migrationsDryRun).mockResolvedValue({
      steps: [
        {
          version: 3,
          name: "create orders",
          sql: "DROP TABLE carts;\n",
          transactional: true,
          findings: [{ kind: "dropTable", message: "drops table carts and every row in it", rows: 1204 }],
          unreadable: null,
        },
      ],
    });
  });

  it("shows each migration's state in words, a changed or missing file standing out", async () => {
    renderPage();
    const rows = await screen.findAllByTestId("migration-row");
    expect(rows.map((row) => row.dataset.state)).toEqual(["applied", "changed", "pending", "missing"]);
    expect(within(rows[1]).getByText("changed since applied")).toBeTruthy();
    expect(within(rows[3]).getByText("(file gone)")).toBeTruthy();
    expect(screen.getByTestId("migrations-folder").textContent).toContain("/code/ledger/migrations/ledger-postgres");
  });

  it("asks before applying, naming the versions, then applies", async () => {
    const user = userEvent.setup();
    renderPage();
    await user.click(await screen.findByTestId("migrations-apply-all"));
    const dialog = screen.getByTestId("migrations-confirm");
    expect(dialog.textContent).toContain("Applies migration 3");
    const finding = await within(dialog).findByTestId("migrations-finding");
    expect(finding.textContent).toBe("drops table carts and every row in it — 1,204 rows now");
    expect(api.migrationsDryRun).toHaveBeenCalledWith(4, "apply", null);
    expect(api.migrationsApply).not.toHaveBeenCalled();
    await user.click(within(dialog).getByTestId("migrations-confirm-run"));
    expect(api.migrationsApply).toHaveBeenCalledWith(4, null);
    expect(await screen.findByText("Applied migration 3")).toBeTruthy();
  });

  it("rolls back down to a version, newest first, warning that dropped data goes", async () => {
    const user = userEvent.setup();
    renderPage();
    const first = (await screen.findAllByTestId("migration-row"))[0];
    await user.click(within(first).getByRole("button", { name: "Roll back to here" }));
    const dialog = screen.getByTestId("migrations-confirm");
    expect(dialog.textContent).toContain("Runs the down files of migrations 4, 2");
    expect(dialog.textContent).toContain("loses its data");
    expect(api.migrationsDryRun).toHaveBeenCalledWith(4, "rollback", 1);
    await user.click(within(dialog).getByTestId("migrations-confirm-run"));
    expect(api.migrationsRollback).toHaveBeenCalledWith(4, 1);
  });

  it("says on MySQL and MariaDB that schema changes commit at once", async () => {
    vi.mocked(api.datasourceList).mockResolvedValue([datasource("mariadb")]);
    const user = userEvent.setup();
    renderPage();
    await user.click(await screen.findByTestId("migrations-apply-all"));
    expect(screen.getByTestId("migrations-mysql-note").textContent).toMatch(/^MariaDB commits each schema change at once/);
  });
});
