import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, type Datasource, type EngineInfo } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { AddDatasourceDialog } from "./AddDatasourceDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { engineList: vi.fn(), datasourceCreate: vi.fn(), datasourceOrphanVolumes: vi.fn() } };
});

const engine = (info: Partial<EngineInfo> & Pick<EngineInfo, "engine" | "label">): EngineInfo => ({
  defaultImage: `${info.engine}:latest`,
  officialImage: `${info.engine}:latest`,
  defaultPort: 1000,
  hasDatabaseAndUser: true,
  ...info,
});

const engines: EngineInfo[] = [
  engine({ engine: "postgres", label: "PostgreSQL", defaultImage: "postgres:17-alpine", defaultPort: 5432 }),
  engine({ engine: "mysql", label: "MySQL" }),
  engine({ engine: "mariadb", label: "MariaDB" }),
  engine({ engine: "mongodb", label: "MongoDB" }),
  engine({ engine: "redis", label: "Redis", hasDatabaseAndUser: false }),
];

const created: Datasource = {
  id: 4,
  projectId: 7,
  name: "inventory-postgres",
  engine: "postgres",
  image: "postgres:17-alpine",
  hostPort: 5432,
  databaseName: "inventory",
  username: "quantum_x1y2z3",
  volumeName: "inventory-postgres-data",
  autoStart: true,
  readyTimeoutSecs: 120,
  status: "creating",
  statusReason: null,
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00.000Z",
};

const expressInput = {
  projectId: 7,
  engine: "postgres",
  name: null,
  image: null,
  hostPort: null,
  databaseName: null,
  username: null,
  autoStart: null,
  readyTimeoutSecs: null,
  volumeName: null,
};

describe("AddDatasourceDialog", () => {
  beforeEach(() => {
    vi.mocked(api.datasourceCreate).mockReset();
    vi.mocked(api.engineList).mockResolvedValue(engines);
    vi.mocked(api.datasourceOrphanVolumes).mockResolvedValue([]);
  });

  it("creates PostgreSQL with every default in express mode", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    vi.mocked(api.datasourceCreate).mockResolvedValue(created);
    renderWithApp(<AddDatasourceDialog open projectId={7} onClose={onClose} />);

    expect(await screen.findByRole("radio", { name: "PostgreSQL" })).toBeChecked();
    await user.click(screen.getByRole("button", { name: "Create PostgreSQL" }));

    expect(api.datasourceCreate).toHaveBeenCalledWith(expressInput);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("moves between engines with the arrow keys", async () => {
    const user = userEvent.setup();
    renderWithApp(<AddDatasourceDialog open projectId={7} onClose={vi.fn()} />);

    await user.click(await screen.findByRole("radio", { name: "PostgreSQL" }));
    await user.keyboard("{ArrowLeft}");

    expect(screen.getByRole("radio", { name: "Redis" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "Redis" })).toHaveFocus();
    expect(screen.getByRole("button", { name: "Create Redis" })).toBeVisible();
  });

  it("shows a taken port under the host port field", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    const message = "Port 5432 is already in use by shop-postgres. Choose another port or leave it empty for the next free one.";
    vi.mocked(api.datasourceCreate).mockRejectedValue(new ApiError({ code: "datasource.port_taken", message, field: "port" }));
    renderWithApp(<AddDatasourceDialog open projectId={7} onClose={onClose} />);

    await user.click(await screen.findByRole("radio", { name: "Advanced" }));
    await user.type(screen.getByLabelText(/Host port/), "5432");
    await user.click(screen.getByRole("button", { name: "Create database" }));

    const error = await screen.findByText(message);
    const port = screen.getByLabelText(/Host port/);
    expect(port).toHaveAttribute("aria-invalid", "true");
    expect(port).toHaveAccessibleDescription(error.textContent!);
    expect(onClose).not.toHaveBeenCalled();
    expect(api.datasourceCreate).toHaveBeenCalledWith({ ...expressInput, hostPort: 5432, autoStart: true });
  });

  it("refuses what the core would refuse, without asking it", async () => {
    const user = userEvent.setup();
    renderWithApp(<AddDatasourceDialog open projectId={7} onClose={vi.fn()} />);

    await user.click(await screen.findByRole("radio", { name: "Advanced" }));
    await user.type(screen.getByLabelText(/Host port/), "70000");
    await user.type(screen.getByLabelText(/Database name/), "2shop");
    await user.click(screen.getByRole("button", { name: "Create database" }));

    expect(screen.getByLabelText(/Host port/)).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText(/Give the database name as up to 32/)).toBeVisible();
    expect(api.datasourceCreate).not.toHaveBeenCalled();
  });

  it("asks no database or user for Redis", async () => {
    const user = userEvent.setup();
    renderWithApp(<AddDatasourceDialog open projectId={7} onClose={vi.fn()} />);

    await user.click(await screen.findByRole("radio", { name: "Redis" }));
    await user.click(screen.getByRole("radio", { name: "Advanced" }));

    expect(screen.getByLabelText(/Host port/)).toBeVisible();
    expect(screen.queryByLabelText(/Database name/)).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/^User/)).not.toBeInTheDocument();
  });
});
