import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, type ComposeImportPreview } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { ComposeImportDialog } from "./ComposeImportDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { composeImportPreview: vi.fn(), composeImportApply: vi.fn(), dialogPick: vi.fn() } };
});

// As the core sends it: two database services, one whose volume Compose's server still runs on.
const preview: ComposeImportPreview = {
  read: {
    files: ["/home/me/shop/compose.yaml", "/home/me/shop/compose.override.yaml"],
    project: "shop",
    profiles: ["analytics"],
    datasources: [
      {
        service: "db",
        engine: "postgres",
        image: "postgres:16-alpine",
        version: "16",
        hostPort: 5433,
        databaseName: "shop",
        username: "shop",
        password: { kind: "literal", key: "POSTGRES_PASSWORD" },
        volume: { kind: "named", name: "shop_pgdata" },
        notes: ["Not carried over (the app runs the server its own way): command."],
      },
      {
        service: "cache",
        engine: "redis",
        image: "redis:7",
        version: "7",
        hostPort: null,
        databaseName: "",
        username: "",
        password: { kind: "variable", name: "REDIS_PASS" },
        volume: { kind: "bind", path: "/home/me/shop/cache-data" },
        notes: [],
      },
    ],
    others: [{ name: "web", image: null, build: "./web", reason: "Built from ./web: left to Compose." }],
    unknownKeys: ["services.web.magic"],
    notes: [],
  },
  planned: [
    { service: "db", name: "shop-db", volumeExists: true, volumeUsedBy: [], volumeKeptBy: ["shop_db_1"] },
    { service: "cache", name: "shop-cache", volumeExists: false, volumeUsedBy: ["shop_cache_1"], volumeKeptBy: [] },
  ],
  rewrites: [
    { path: "/home/me/shop/.env", current: "A=1\n", proposed: "A=1\nDB_PASSWORD=••••••\n" },
    { path: "/home/me/shop/compose.yaml", current: "POSTGRES_PASSWORD: ••••••\n", proposed: "POSTGRES_PASSWORD: ${DB_PASSWORD}\n" },
  ],
  rewriteRefusals: [],
  fingerprint: "abc123",
};

describe("ComposeImportDialog", () => {
  beforeEach(() => {
    vi.mocked(api.composeImportPreview).mockReset().mockResolvedValue(preview);
    vi.mocked(api.composeImportApply).mockReset();
  });

  it("shows what each service becomes, and imports the chosen ones against the files as read", async () => {
    const user = userEvent.setup();
    vi.mocked(api.composeImportApply).mockResolvedValue({ datasources: [], rewritten: [] });
    const onClose = vi.fn();
    renderWithApp(<ComposeImportDialog projectId={7} onClose={onClose} />);

    const [db, cache] = await screen.findAllByTestId("compose-import-service");
    expect(db).toHaveTextContent("db → shop-db");
    expect(db).toHaveTextContent("written in the file (POSTGRES_PASSWORD): moved to the keychain");
    expect(within(db).getByTestId("compose-import-data")).toHaveTextContent("volume shop_pgdata: its data is kept");
    expect(db).toHaveTextContent("Not carried over");
    expect(db).toHaveTextContent("Stopped on this data: shop_db_1");
    // Its volume is in use: not importable until Compose's server stops.
    expect(within(cache).getByRole("checkbox", { name: "Import cache" })).toBeDisabled();
    expect(within(cache).getByRole("alert")).toHaveTextContent("in use by shop_cache_1");
    expect(screen.getByTestId("compose-import-others")).toHaveTextContent("Built from ./web");
    expect(screen.getByTestId("compose-import-unknown")).toHaveTextContent("services.web.magic");
    expect(api.composeImportPreview).toHaveBeenCalledWith({ projectId: 7, files: [], profiles: [] });

    // Moving the passwords out of the file shows both files' changes first.
    expect(screen.queryAllByTestId("compose-import-rewrite")).toHaveLength(0);
    await user.click(screen.getByTestId("compose-import-replace"));
    expect(screen.getAllByTestId("compose-import-rewrite")).toHaveLength(2);

    await user.click(screen.getByRole("button", { name: "Import 1 database" }));
    expect(api.composeImportApply).toHaveBeenCalledWith({ projectId: 7, files: [], profiles: [] }, ["db"], true, "abc123");
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("reads the files again with a profile chosen", async () => {
    const user = userEvent.setup();
    renderWithApp(<ComposeImportDialog projectId={7} file="compose.yaml" onClose={vi.fn()} />);
    await user.click(await screen.findByRole("checkbox", { name: "analytics" }));
    await waitFor(() =>
      expect(api.composeImportPreview).toHaveBeenLastCalledWith({ projectId: 7, files: ["compose.yaml"], profiles: ["analytics"] }),
    );
  });

  it("reads the files again when they changed since the preview", async () => {
    const user = userEvent.setup();
    vi.mocked(api.composeImportApply).mockRejectedValue(new ApiError({ code: "compose.changed", message: "The compose files changed.", field: null }));
    renderWithApp(<ComposeImportDialog projectId={7} onClose={vi.fn()} />);
    await user.click(await screen.findByRole("button", { name: "Import 1 database" }));
    expect(await screen.findByText(/changed since they were read/)).toBeVisible();
    await waitFor(() => expect(api.composeImportPreview).toHaveBeenCalledTimes(2));
  });
});
