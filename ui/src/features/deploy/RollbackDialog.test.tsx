import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type * as ApiModule from "../../api";
import type { DataRestoreOffer, Release } from "../../api/deploy";
import { renderWithApp } from "../../test/render";
import { RollbackDialog } from "./RollbackDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { deployRollbackData: vi.fn() } };
});

const release = (id: number, version: string): Release => ({
  id,
  projectId: 1,
  environment: "staging",
  kind: "deploy",
  rollbackOf: null,
  version,
  gitCommit: null,
  image: `shop:${version}`,
  imageId: "sha256:1",
  containerName: null,
  status: "replaced",
  error: null,
  actor: "ada",
  settings: {},
  startedAt: 0,
  finishedAt: 1,
  data: { migrated: [], restored: [] },
});

const offer: DataRestoreOffer = {
  datasourceId: 3,
  datasource: "main",
  snapshotId: 9,
  snapshotAt: "2026-11-30T10:00:00Z",
  releases: ["v2"],
  versions: [2],
};

describe("RollbackDialog", () => {
  beforeEach(() => vi.mocked(api.deployRollbackData).mockReset());

  it("rolls back the code alone when no release gone back past migrated", async () => {
    const user = userEvent.setup();
    vi.mocked(api.deployRollbackData).mockResolvedValue([]);
    const onConfirm = vi.fn();
    renderWithApp(<RollbackDialog target={release(1, "v1")} live={release(2, "v2")} onConfirm={onConfirm} onClose={vi.fn()} />);

    await user.click(await screen.findByRole("button", { name: "Roll back to v1" }));
    expect(onConfirm).toHaveBeenCalledWith(false);
    expect(screen.queryByRole("checkbox")).toBeNull();
  });

  it("restores the data only when ticked, and says what is lost", async () => {
    const user = userEvent.setup();
    vi.mocked(api.deployRollbackData).mockResolvedValue([offer]);
    const onConfirm = vi.fn();
    renderWithApp(<RollbackDialog target={release(1, "v1")} live={release(2, "v2")} onConfirm={onConfirm} onClose={vi.fn()} />);

    expect(await screen.findByText(/main was migrated by v2 \(migration 2\)/)).toBeVisible();
    expect(screen.queryByText(/is lost/)).toBeNull();
    await user.click(screen.getByRole("checkbox", { name: "Restore the data too" }));
    expect(screen.getByText(/everything written to main since/)).toBeVisible();
    await user.click(screen.getByRole("button", { name: "Roll back to v1 and restore data" }));
    expect(onConfirm).toHaveBeenCalledWith(true);
  });

  it("offers no restore when a snapshot is gone", async () => {
    vi.mocked(api.deployRollbackData).mockResolvedValue([{ ...offer, snapshotId: null }]);
    renderWithApp(<RollbackDialog target={release(1, "v1")} live={release(2, "v2")} onConfirm={vi.fn()} onClose={vi.fn()} />);

    expect(await screen.findByText(/snapshot from before them was deleted/)).toBeVisible();
    expect(screen.queryByRole("checkbox")).toBeNull();
  });
});
