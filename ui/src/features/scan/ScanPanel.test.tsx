import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type ProjectScan } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { ScanPanel } from "./ScanPanel";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { projectScan: vi.fn(), onProjectScanChanged: vi.fn() } };
});

const scan: ProjectScan = {
  folder: "/code/shop",
  files: 1234,
  elapsedMs: 56,
  languages: [
    { name: "TypeScript", files: 900 },
    { name: "Rust", files: 300 },
  ],
  packageManagers: [{ name: "npm", path: "web/package-lock.json" }],
  frameworks: [{ name: "React", path: "web/package.json" }],
  testSuites: [],
  dockerfiles: ["Dockerfile"],
  composeFiles: ["compose.yaml"],
  migrationFolders: [
    { path: "migrations", files: 4, format: "sqlx" },
    { path: "worker/db/migrate", files: 2, format: null },
  ],
  envFiles: [".env"],
  git: { branch: "main", remotes: [{ name: "origin", url: "git@github.com:acme/shop.git" }] },
};

describe("ScanPanel", () => {
  let changed: ((projectId: number) => void) | undefined;

  beforeEach(() => {
    vi.clearAllMocks();
    vi.mocked(api.projectScan).mockResolvedValue(scan);
    vi.mocked(api.onProjectScanChanged).mockImplementation((listener) => {
      changed = listener;
      return Promise.resolve(() => undefined);
    });
  });

  it("lists what the folder holds, each kind with the section that acts on it", async () => {
    renderWithApp(<ScanPanel projectId={3} />);
    expect(await screen.findByTestId("scan-summary")).toHaveTextContent("1,234 files in 56 ms");
    expect(screen.getAllByTestId("scan-language").map((chip) => chip.textContent)).toEqual(["TypeScript 900", "Rust 300"]);
    const migrations = screen.getByTestId("scan-migrations");
    expect(within(migrations).getAllByTestId("scan-migration-folder").map((chip) => chip.textContent)).toEqual(["migrations sqlx", "worker/db/migrate not SQL files"]);
    expect(within(migrations).getByRole("link", { name: "Open Migrations" })).toHaveAttribute("href", "/projects/3/migrations");
    expect(within(screen.getByTestId("scan-tests")).getByText("No test command found")).toBeInTheDocument();
    // With no suite found, declaring one is still offered.
    expect(within(screen.getByTestId("scan-tests")).getByRole("link", { name: "Declare a suite on Tests" })).toHaveAttribute(
      "href",
      "/projects/3/tests",
    );
    expect(within(screen.getByTestId("scan-env-files")).getByRole("link", { name: "Import on Environment" })).toHaveAttribute("href", "/projects/3/environment");
    expect(screen.getByTestId("scan-git-branch")).toHaveTextContent("main");
  });

  it("refetches when the watcher says this project's scan changed, and scans afresh on Rescan", async () => {
    const user = userEvent.setup();
    renderWithApp(<ScanPanel projectId={3} />);
    await screen.findByTestId("project-scan");
    expect(api.projectScan).toHaveBeenCalledTimes(1);

    vi.mocked(api.projectScan).mockResolvedValue({ ...scan, envFiles: [".env", ".env.test"] });
    changed?.(4);
    changed?.(3);
    await waitFor(() => expect(screen.getAllByTestId("scan-env-file")).toHaveLength(2));
    expect(api.projectScan).toHaveBeenLastCalledWith(3, false);

    await user.click(screen.getByTestId("scan-rescan"));
    await waitFor(() => expect(api.projectScan).toHaveBeenLastCalledWith(3, true));
  });
});
