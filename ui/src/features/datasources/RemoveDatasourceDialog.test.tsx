import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Datasource } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { RemoveDatasourceDialog } from "./RemoveDatasourceDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { datasourceRemove: vi.fn() } };
});

const orders: Datasource = {
  id: 3,
  projectId: 7,
  name: "orders-db",
  engine: "postgres",
  image: "postgres:17-alpine",
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

describe("RemoveDatasourceDialog", () => {
  beforeEach(() => vi.mocked(api.datasourceRemove).mockReset());

  it("removes the container and keeps the data unless asked otherwise", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    vi.mocked(api.datasourceRemove).mockResolvedValue(null);
    renderWithApp(<RemoveDatasourceDialog datasource={orders} onClose={onClose} />);

    expect(screen.getByText(/is kept/)).toBeVisible();
    await user.click(screen.getByRole("button", { name: "Remove database" }));

    expect(api.datasourceRemove).toHaveBeenCalledWith(3, false);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("deletes the data only once the name is typed", async () => {
    const user = userEvent.setup();
    vi.mocked(api.datasourceRemove).mockResolvedValue(null);
    renderWithApp(<RemoveDatasourceDialog datasource={orders} onClose={vi.fn()} />);

    await user.click(screen.getByRole("checkbox", { name: "Also delete its data (volume and password)" }));
    const confirm = screen.getByRole("button", { name: "Remove and delete data" });
    expect(confirm).toBeDisabled();

    const name = screen.getByLabelText(/Type “orders-db”/);
    await user.type(name, "orders-d");
    expect(confirm).toBeDisabled();
    await user.click(confirm);
    expect(api.datasourceRemove).not.toHaveBeenCalled();

    await user.type(name, "b");
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    expect(api.datasourceRemove).toHaveBeenCalledWith(3, true);
  });
});
