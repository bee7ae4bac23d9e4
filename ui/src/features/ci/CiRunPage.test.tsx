import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type CiJob } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import CiRunPage from "./CiRunPage";
import { ciRun } from "./fixtures";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: {
      ciSetup: vi.fn(),
      ciRun: vi.fn(),
      ciJobLog: vi.fn(),
      ciArtifacts: vi.fn(),
      ciWatch: vi.fn(),
      ciCancel: vi.fn(),
      ciRerun: vi.fn(),
    },
  };
});

const run = ciRun(40, "running", { number: 17, attempt: 2, title: "Add the cart", branch: "feature" });
const job = (id: number, name: string, status: CiJob["status"], extra: Partial<CiJob> = {}): CiJob => ({
  id,
  name,
  stage: null,
  needs: [],
  status,
  startedAt: "2026-01-01T10:00:10Z",
  completedAt: status === "running" ? null : "2026-01-01T10:01:20Z",
  url: "",
  steps: [],
  allowFailure: false,
  ...extra,
});
const jobs = [
  job(1, "build", "success"),
  job(2, "test", "failure", {
    needs: ["build"],
    steps: [
      { number: 1, name: "Set up job", status: "success", startedAt: "2026-01-01T10:00:10Z", completedAt: "2026-01-01T10:00:12Z" },
      { number: 2, name: "cargo test", status: "failure", startedAt: "2026-01-01T10:00:12Z", completedAt: "2026-01-01T10:01:20Z" },
    ],
  }),
  job(3, "deploy", "running", { needs: ["test"] }),
];

describe("CiRunPage", () => {
  beforeEach(() => {
    vi.mocked(api.ciSetup).mockResolvedValue({
      folder: "/code/shop",
      repository: { provider: "github", apiUrl: "https://api.github.com", path: "acme/shop", tokenSource: "keychain" },
      candidates: [],
    });
    vi.mocked(api.ciRun).mockResolvedValue({ run, jobs });
    vi.mocked(api.ciJobLog).mockResolvedValue([
      { text: "Run cargo test", group: 0, title: true, mark: null },
      { text: "test adds ... FAILED", group: 0, title: false, mark: null },
      { text: "Process completed with exit code 101.", group: null, title: false, mark: "error" },
    ]);
    vi.mocked(api.ciArtifacts).mockResolvedValue([{ id: 5, name: "coverage", size: 2048, expired: false }]);
    vi.mocked(api.ciWatch).mockResolvedValue(undefined);
    vi.mocked(api.ciCancel).mockResolvedValue(null);
  });

  it("shows the run, its jobs by what they wait for, the failed job's steps, and tells the core which run it shows", async () => {
    const user = userEvent.setup();
    renderWithApp(
      <Routes>
        <Route path="/projects/:projectId/ci/runs/:runId" element={<CiRunPage />} />
      </Routes>,
      { route: "/projects/3/ci/runs/40" },
    );
    expect(await screen.findByTestId("ci-run-status")).toHaveAttribute("data-status", "running");
    expect(screen.getByText("1a2b3c4")).toBeInTheDocument();
    expect(api.ciWatch).toHaveBeenCalledWith(3, { pageOpen: true, runId: 40 });

    const columns = screen.getByTestId("ci-graph").children;
    expect([...columns].map((column) => within(column as HTMLElement).getAllByTestId("ci-job").map((j) => j.dataset.jobName))).toEqual([
      ["build"],
      ["test"],
      ["deploy"],
    ]);
    // The failed job is shown first, with its steps and its log.
    expect(screen.getByTestId("ci-job-detail")).toHaveAttribute("data-job-name", "test");
    expect(screen.getAllByTestId("ci-step").map((step) => step.dataset.status)).toEqual(["success", "failure"]);
    expect(await screen.findByTestId("ci-log")).toBeInTheDocument();
    expect(api.ciJobLog).toHaveBeenCalledWith(3, 2);
    expect(screen.getByTestId("ci-rerun-failed")).toBeDisabled();

    await user.click(screen.getByTestId("ci-jobs-list"));
    await user.click(within(screen.getAllByTestId("ci-job").find((row) => row.dataset.jobName === "build")!).getByRole("button", { name: "build" }));
    expect(screen.getByTestId("ci-job-detail")).toHaveAttribute("data-job-name", "build");

    await user.click(screen.getByTestId("ci-cancel"));
    await user.click(within(screen.getByTestId("ci-cancel-dialog")).getByTestId("ci-cancel-confirm"));
    expect(api.ciCancel).toHaveBeenCalledWith(3, 40);
    expect(await screen.findByTestId("ci-artifact")).toHaveTextContent("2.0 KiB");
  });
});
