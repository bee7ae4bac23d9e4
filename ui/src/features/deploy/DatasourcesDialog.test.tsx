import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { DatasourcesDialog } from "./DatasourcesDialog";
import { imageNote, stateLabel } from "./environmentDatasources";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: {
      deployDatasourceChoices: vi.fn(),
      deployDatasourceStates: vi.fn(),
      deploySetDatasources: vi.fn(),
      deployDatasourcesStart: vi.fn(),
      deployDatasourceRemove: vi.fn(),
    },
  };
});

const choices = [
  { name: "main", engine: "postgres" as const, image: "postgres:16-alpine", listed: true },
  { name: "cache", engine: "redis" as const, image: "redis:7-alpine", listed: false },
];
const volume = "qa-x-p1-prod-ds-main-data";

describe("DatasourcesDialog", () => {
  beforeEach(() => {
    vi.mocked(api.deployDatasourceChoices).mockReset().mockResolvedValue(choices);
    vi.mocked(api.deployDatasourceStates)
      .mockReset()
      .mockResolvedValue([{ name: "main", listed: true, running: false, reason: "Exited with code 1.", image: "postgres:16-alpine", volume }]);
    vi.mocked(api.deployDatasourceRemove).mockReset();
    vi.mocked(api.deploySetDatasources).mockReset().mockResolvedValue(null);
    vi.mocked(api.deployDatasourcesStart).mockReset();
  });

  it("shows what the engine has of each listed one, and writes the ticked ones in the project's order", async () => {
    const user = userEvent.setup();
    renderWithApp(<DatasourcesDialog projectId={1} environment="prod" onClose={() => {}} />);

    const main = await screen.findByText("main");
    const row = main.closest("label") as HTMLElement;
    expect(await within(row).findByTestId("deploy-datasource-state")).toHaveTextContent("stopped: Exited with code 1.");
    const save = screen.getByRole("button", { name: "Save" });
    expect(save).toBeDisabled();

    await user.click(screen.getByRole("checkbox", { name: /cache/ }));
    // Unsaved changes: start what is saved only after saving.
    expect(screen.getByRole("button", { name: "Start now" })).toBeDisabled();
    await user.click(save);
    expect(api.deploySetDatasources).toHaveBeenCalledWith(1, "prod", ["main", "cache"]);
  });

  it("starts them now and shows their new state", async () => {
    const user = userEvent.setup();
    let finish: (() => void) | undefined;
    vi.mocked(api.deployDatasourcesStart).mockImplementation((_project, _environment, onLine) => {
      onLine("Starting datasource main, which was stopped");
      return new Promise((resolve) => {
        finish = () => resolve([{ name: "main", listed: true, running: true, reason: null, image: "postgres:16-alpine", volume }]);
      });
    });
    renderWithApp(<DatasourcesDialog projectId={1} environment="prod" onClose={() => {}} />);

    await screen.findByText(/stopped: Exited/);
    await user.click(screen.getByRole("button", { name: "Start now" }));
    expect(api.deployDatasourcesStart).toHaveBeenCalledWith(1, "prod", expect.any(Function));
    // What it does shows while it runs.
    expect(await screen.findByTestId("deploy-datasources-progress")).toHaveTextContent("Starting datasource main, which was stopped");
    finish?.();
    await waitFor(() => expect(screen.getByTestId("deploy-datasource-state")).toHaveTextContent("running"));
  });

  it("says when a container runs another image than the file names", async () => {
    vi.mocked(api.deployDatasourceStates).mockResolvedValue([{ name: "main", listed: true, running: true, reason: null, image: "postgres:15-alpine", volume }]);
    renderWithApp(<DatasourcesDialog projectId={1} environment="prod" onClose={() => {}} />);

    expect(await screen.findByTestId("deploy-datasource-image")).toHaveTextContent(
      "runs postgres:15-alpine, the file says postgres:16-alpine: Remove… keeping the data, then deploy, to move it",
    );
    const state = { name: "main", listed: true, running: true, reason: null, image: "postgres:16-alpine", volume };
    expect(imageNote(state, "postgres:16-alpine")).toBeNull();
    expect(imageNote(undefined, "postgres:16-alpine")).toBeNull();
  });

  it("says a datasource not made yet is made by the next deploy", () => {
    expect(stateLabel(undefined)).toBe("not made yet: the next deploy makes it");
    expect(stateLabel({ name: "main", listed: true, running: null, reason: null, image: null, volume })).toBe("not made yet: the next deploy makes it");
    expect(stateLabel({ name: "main", listed: true, running: false, reason: null, image: null, volume })).toBe("stopped");
  });

  it("removes one no longer listed, with its data only when that is ticked and said", async () => {
    const user = userEvent.setup();
    const cacheVolume = "qa-x-p1-prod-ds-cache-data";
    vi.mocked(api.deployDatasourceStates).mockResolvedValue([
      { name: "main", listed: true, running: true, reason: null, image: "postgres:16-alpine", volume },
      { name: "cache", listed: false, running: true, reason: null, image: "redis:7-alpine", volume: cacheVolume },
    ]);
    vi.mocked(api.deployDatasourceRemove).mockResolvedValue([{ name: "main", listed: true, running: true, reason: null, image: "postgres:16-alpine", volume }]);
    renderWithApp(<DatasourcesDialog projectId={1} environment="prod" onClose={() => {}} />);

    const left = await screen.findByTestId("deploy-datasource-left");
    expect(left).toHaveTextContent(`cache · running, data in ${cacheVolume}`);
    await user.click(within(left).getByRole("button", { name: "Remove…" }));
    const confirm = screen.getByTestId("deploy-datasource-confirm");
    expect(within(confirm).getByRole("button", { name: "Remove, keep the data" })).toBeVisible();
    await user.click(within(confirm).getByRole("checkbox", { name: /Also delete its data/ }));
    expect(confirm).toHaveTextContent(cacheVolume);
    await user.click(within(confirm).getByRole("button", { name: "Remove with its data" }));
    expect(api.deployDatasourceRemove).toHaveBeenCalledWith(1, "prod", "cache", true);
    await waitFor(() => expect(screen.queryByTestId("deploy-datasource-left")).toBeNull());
  });
});
