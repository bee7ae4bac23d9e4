import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, type CiOverview, type CiRepository, type CiRun, type CiSetup } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import CiPage from "./CiPage";
import { ciRun } from "./fixtures";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: {
      ciSetup: vi.fn(),
      ciTokenStatus: vi.fn(),
      ciRepositorySet: vi.fn(),
      ciOverview: vi.fn(),
      ciRuns: vi.fn(),
      ciWatch: vi.fn(),
    },
  };
});

const repository: CiRepository = { provider: "github", apiUrl: "https://api.github.com", path: "acme/shop", tokenSource: "keychain" };
const run = (id: number, status: CiRun["status"], branch = "main") => ciRun(id, status, { branch });
const overview: CiOverview = {
  repository,
  webUrl: "https://github.com/acme/shop",
  defaultBranch: "main",
  currentBranch: "feature",
  workflows: [{ workflow: { id: 1, name: "CI", path: ".github/workflows/ci.yml" }, current: run(12, "failure", "feature"), default: run(11, "success") }],
};
const candidates: CiSetup["candidates"] = [
  { remote: "origin", url: "git@github.com:acme/shop.git", repository },
  { remote: "mirror", url: "https://gitlab.com/acme/shop-mirror.git", repository: { ...repository, provider: "gitlab", apiUrl: "https://gitlab.com/api/v4", path: "acme/shop-mirror" } },
];

function renderPage() {
  return renderWithApp(
    <Routes>
      <Route path="/projects/:projectId/ci" element={<CiPage />} />
      <Route path="/projects/:projectId/ci/runs/:runId" element={<p>run page</p>} />
    </Routes>,
    { route: "/projects/3/ci" },
  );
}

describe("CiPage", () => {
  beforeEach(() => {
    vi.mocked(api.ciSetup).mockResolvedValue({ folder: "/code/shop", repository: null, candidates });
    vi.mocked(api.ciTokenStatus).mockResolvedValue({ stored: false, cli: false });
    vi.mocked(api.ciOverview).mockResolvedValue(overview);
    vi.mocked(api.ciRuns).mockResolvedValue({ runs: [run(12, "failure", "feature"), run(11, "success")], more: true });
    vi.mocked(api.ciWatch).mockResolvedValue(undefined);
  });

  it("fills the set-up from a remote, shows the core's refusal next to the token, then the overview once saved", async () => {
    const user = userEvent.setup();
    renderPage();
    const setup = await screen.findByTestId("ci-setup");
    expect(screen.getByTestId("ci-path")).toHaveValue("acme/shop");
    expect(screen.getByTestId("ci-token-cli")).toBeDisabled();
    expect(await within(setup).findByTestId("ci-cli-missing")).toHaveTextContent("gh auth login");

    const mirror = screen.getAllByTestId("ci-candidate").find((button) => button.dataset.path === "acme/shop-mirror")!;
    await user.click(mirror);
    expect(screen.getByTestId("ci-provider")).toHaveValue("gitlab");
    expect(screen.getByTestId("ci-api-url")).toHaveValue("https://gitlab.com/api/v4");
    await user.selectOptions(screen.getByTestId("ci-provider"), "github");
    expect(screen.getByTestId("ci-api-url")).toHaveValue("https://api.github.com");

    await user.type(screen.getByTestId("ci-token"), "ghp_secret");
    vi.mocked(api.ciRepositorySet).mockRejectedValueOnce(
      new ApiError({ code: "ci.missing_scopes", message: "The token lacks the repo scope (it has none).", field: "token" }),
    );
    await user.click(screen.getByTestId("ci-setup-save"));
    expect(await screen.findByTestId("ci-token-error")).toHaveTextContent("lacks the repo scope");

    vi.mocked(api.ciRepositorySet).mockResolvedValueOnce({ ...repository, path: "acme/shop-mirror" });
    await user.click(screen.getByTestId("ci-setup-save"));
    expect(api.ciRepositorySet).toHaveBeenLastCalledWith({
      projectId: 3,
      provider: "github",
      apiUrl: "https://api.github.com",
      path: "acme/shop-mirror",
      tokenSource: "keychain",
      token: "ghp_secret",
    });
    expect(await screen.findByTestId("ci-workflow")).toBeInTheDocument();
    expect(screen.queryByTestId("ci-setup")).not.toBeInTheDocument();
  });

  it("shows each workflow's latest runs and the runs, and tells the core while the page is open", async () => {
    vi.mocked(api.ciSetup).mockResolvedValue({ folder: "/code/shop", repository, candidates });
    const user = userEvent.setup();
    const { unmount } = renderPage();
    const row = await screen.findByTestId("ci-workflow");
    expect(row).toHaveAttribute("data-workflow-name", "CI");
    expect(within(row).getByTestId("ci-latest-current")).toMatchObject({ dataset: { status: "failure", runId: "12" } });
    expect(within(row).getByTestId("ci-latest-default")).toMatchObject({ dataset: { status: "success", runId: "11" } });
    expect(screen.getByTestId("ci-status")).toHaveAttribute("data-state", "pending");
    expect(api.ciWatch).toHaveBeenCalledWith(3, { pageOpen: true, runId: null });

    const rows = await screen.findAllByTestId("ci-run-row");
    expect(rows.map((r) => r.dataset.runId)).toEqual(["12", "11"]);
    vi.mocked(api.ciRuns).mockResolvedValueOnce({ runs: [run(11, "success"), run(10, "cancelled")], more: false });
    await user.click(screen.getByTestId("ci-runs-more"));
    await waitFor(() => expect(screen.getAllByTestId("ci-run-row").map((r) => r.dataset.runId)).toEqual(["12", "11", "10"]));
    expect(api.ciRuns).toHaveBeenLastCalledWith(3, { branch: null, event: null, status: null, actor: null, workflowId: null }, 2);
    expect(screen.queryByTestId("ci-runs-more")).not.toBeInTheDocument();

    await user.click(within(rows[0]).getByText("feature"));
    expect(await screen.findByText("run page")).toBeInTheDocument();
    unmount();
    expect(api.ciWatch).toHaveBeenLastCalledWith(3, { pageOpen: false, runId: null });
  });

  it("offers the set-up when the provider does not find the repository", async () => {
    vi.mocked(api.ciSetup).mockResolvedValue({ folder: "/code/shop", repository, candidates });
    vi.mocked(api.ciOverview).mockRejectedValue(new ApiError({ code: "ci.not_found", message: "acme/shop was not found.", field: null }));
    const user = userEvent.setup();
    renderPage();
    expect(await screen.findByTestId("ci-problem")).toHaveAttribute("data-code", "ci.not_found");
    await user.click(screen.getByTestId("ci-problem-setup"));
    expect(await screen.findByTestId("ci-setup")).toBeInTheDocument();
    expect(screen.getByTestId("ci-setup-cancel")).toBeInTheDocument();
  });
});
