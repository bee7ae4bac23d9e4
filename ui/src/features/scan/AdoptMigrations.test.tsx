import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Datasource } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { AdoptMigrations } from "./AdoptMigrations";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { datasourceList: vi.fn(), migrationsAdopt: vi.fn() } };
});

const datasource = (id: number, name: string, engine: Datasource["engine"]) => ({ id, name, engine }) as Datasource;
const folder = { path: "backend/db/migrate", files: 4, format: "dbmate" as const };

describe("AdoptMigrations", () => {
  beforeEach(() => {
    vi.mocked(api.datasourceList).mockReset();
    vi.mocked(api.migrationsAdopt).mockReset().mockResolvedValue(null);
  });

  it("points the one SQL database at the folder, with its layout", async () => {
    const user = userEvent.setup();
    vi.mocked(api.datasourceList).mockResolvedValue([datasource(3, "shop-db", "postgres"), datasource(4, "shop-cache", "redis")]);
    renderWithApp(<AdoptMigrations projectId={7} folder={folder} />);
    await user.click(await screen.findByRole("button", { name: "Use for shop-db" }));
    expect(api.migrationsAdopt).toHaveBeenCalledWith(3, "backend/db/migrate", "dbmate");
    expect(await screen.findByText("shop-db's migrations are now read from backend/db/migrate")).toBeVisible();
  });

  it("lets the user choose among several SQL databases", async () => {
    const user = userEvent.setup();
    vi.mocked(api.datasourceList).mockResolvedValue([datasource(3, "shop-db", "postgres"), datasource(5, "shop-mysql", "mysql")]);
    renderWithApp(<AdoptMigrations projectId={7} folder={folder} />);
    await user.selectOptions(await screen.findByRole("combobox", { name: "Database for backend/db/migrate" }), "5");
    await user.click(screen.getByRole("button", { name: "Use for it" }));
    expect(api.migrationsAdopt).toHaveBeenCalledWith(5, "backend/db/migrate", "dbmate");
  });
});
