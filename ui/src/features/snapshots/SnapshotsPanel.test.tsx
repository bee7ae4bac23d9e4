import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Datasource, type Snapshot } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { SnapshotsPanel } from "./SnapshotsPanel";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: { snapshotsList: vi.fn(), snapshotsTake: vi.fn(), snapshotsRestore: vi.fn(), snapshotsDelete: vi.fn() },
  };
});

const datasource: Datasource = {
  id: 4,
  projectId: 7,
  name: "ledger-postgres",
  engine: "postgres",
  image: "postgres:16",
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
};

const snapshots: Snapshot[] = [
  {
    id: 9,
    datasourceId: 4,
    volumeName: "ledger-postgres-snap-0a0b0c0d",
    image: "postgres:16",
    trigger: "before_apply",
    detail: "3 create orders",
    sizeBytes: 48 * 1024 * 1024,
    createdAt: "2026-11-29T10:00:00.000Z",
  },
  {
    id: 8,
    datasourceId: 4,
    volumeName: "ledger-data",
    image: "postgres:16",
    trigger: "before_restore",
    detail: "2026-11-28T09:00:00.000Z",
    sizeBytes: null,
    createdAt: "2026-11-28T10:00:00.000Z",
  },
];

describe("SnapshotsPanel", () => {
  beforeEach(() => {
    vi.mocked(api.snapshotsList).mockResolvedValue(snapshots);
    vi.mocked(api.snapshotsRestore).mockResolvedValue({ replaced: snapshots[1], pruned: [] });
    vi.mocked(api.snapshotsDelete).mockResolvedValue(null);
    vi.mocked(api.snapshotsTake).mockResolvedValue({ snapshot: snapshots[0], pruned: [snapshots[1]] });
  });

  it("lists what took each snapshot and its size", async () => {
    renderWithApp(<SnapshotsPanel datasource={datasource} />);
    const rows = await screen.findAllByTestId("snapshot-row");
    expect(rows[0].textContent).toContain("Before applying 3 create orders");
    expect(rows[0].textContent).toContain("48");
    expect(rows[1].textContent).toContain("Data replaced by restoring the snapshot of");
    expect(rows[1].textContent).toContain("not measured");
  });

  it("restores only after a confirmation that says the current data is kept", async () => {
    const user = userEvent.setup();
    renderWithApp(<SnapshotsPanel datasource={datasource} />);
    const [first] = await screen.findAllByTestId("snapshot-restore");
    await user.click(first);
    const dialog = screen.getByTestId("snapshots-restore-confirm");
    expect(dialog.textContent).toContain("The current data is kept as a snapshot");
    expect(api.snapshotsRestore).not.toHaveBeenCalled();
    await user.click(within(dialog).getByTestId("snapshots-restore-run"));
    expect(api.snapshotsRestore).toHaveBeenCalledWith(9);
    expect(await screen.findByText("Snapshot restored")).toBeTruthy();
  });

  it("says which snapshots were deleted to keep the last N", async () => {
    const user = userEvent.setup();
    renderWithApp(<SnapshotsPanel datasource={datasource} />);
    await user.click(await screen.findByTestId("snapshots-take"));
    await user.type(screen.getByTestId("snapshots-take-note"), "before the demo");
    await user.click(screen.getByTestId("snapshots-take-run"));
    expect(api.snapshotsTake).toHaveBeenCalledWith(4, "before the demo");
    expect(await screen.findByText(/The oldest snapshot was deleted/)).toBeTruthy();
  });
});
