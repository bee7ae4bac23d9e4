import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Datasource, type Project } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { DeleteProjectDialog } from "./DeleteProjectDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { projectDelete: vi.fn(), datasourceList: vi.fn() } };
});

const shop: Project = {
  id: 7,
  name: "shop",
  description: "",
  folder: null,
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00.000Z",
};

const orders: Datasource = {
  id: 3,
  projectId: 7,
  name: "orders-db",
  engine: "postgres",
  image: "postgres:16-alpine",
  hostPort: 5433,
  databaseName: "orders",
  username: "app",
  volumeName: "orders-db-data",
  autoStart: true,
  readyTimeoutSecs: 120,
  status: "ready",
  statusReason: null,
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00.000Z",
};

describe("DeleteProjectDialog", () => {
  beforeEach(() => {
    vi.mocked(api.projectDelete).mockReset().mockResolvedValue(null);
    vi.mocked(api.datasourceList).mockReset();
  });

  it("deletes a project without databases at once", async () => {
    const user = userEvent.setup();
    vi.mocked(api.datasourceList).mockResolvedValue([]);
    renderWithApp(<DeleteProjectDialog project={shop} onClose={vi.fn()} />);

    await user.click(screen.getByRole("button", { name: "Delete project" }));
    expect(api.projectDelete).toHaveBeenCalledWith(7, false);
  });

  it("deletes a project with databases only once the user agrees to remove them too", async () => {
    const user = userEvent.setup();
    vi.mocked(api.datasourceList).mockResolvedValue([orders]);
    renderWithApp(<DeleteProjectDialog project={shop} onClose={vi.fn()} />);

    await screen.findByText(/orders-db/);
    const confirm = screen.getByRole("button", { name: "Delete project" });
    expect(confirm).toBeDisabled();

    await user.click(screen.getByRole("checkbox", { name: /Also remove it/ }));
    await user.click(confirm);
    await waitFor(() => expect(api.projectDelete).toHaveBeenCalledWith(7, true));
  });
});
