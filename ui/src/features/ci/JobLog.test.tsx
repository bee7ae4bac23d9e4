import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { api, type CiJob } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { JobLog } from "./JobLog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { ciJobLog: vi.fn() } };
});

const job: CiJob = {
  id: 2,
  name: "test",
  stage: null,
  needs: [],
  status: "failure",
  startedAt: "2026-01-01T10:00:10Z",
  completedAt: "2026-01-01T10:01:20Z",
  url: "",
  steps: [],
  allowFailure: false,
};

// jsdom lays nothing out: give the log's scroller a height, so the virtual list renders rows.
beforeAll(() => Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 400 }));
afterAll(() => Reflect.deleteProperty(HTMLElement.prototype, "clientHeight"));

const shownTexts = () => screen.getAllByTestId("ci-log-line").map((line) => line.textContent);

describe("JobLog", () => {
  it("folds groups until opened, marks errors, and unfolds the group of a search match", async () => {
    vi.mocked(api.ciJobLog).mockResolvedValue([
      { text: "Job started", group: null, title: false, mark: null },
      { text: "Run cargo test", group: 0, title: true, mark: null },
      { text: "test adds ... FAILED", group: 0, title: false, mark: null },
      { text: "Process completed with exit code 101.", group: null, title: false, mark: "error" },
    ]);
    const user = userEvent.setup();
    renderWithApp(<JobLog projectId={3} job={job} />);

    const toggle = await screen.findByTestId("ci-log-group");
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(shownTexts()).toEqual(["Job started", "Run cargo test1 line", "Process completed with exit code 101."]);
    expect(screen.getByTestId("ci-log-error")).toHaveTextContent("exit code 101");

    toggle.focus();
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("ci-log-group")).toHaveAttribute("aria-expanded", "true");
    expect(shownTexts()).toContain("test adds ... FAILED");
    await user.click(screen.getByTestId("ci-log-group"));
    expect(shownTexts()).not.toContain("test adds ... FAILED");

    await user.type(screen.getByTestId("log-search-input"), "failed{Enter}");
    expect(screen.getByTestId("log-match-count")).toHaveTextContent("1 of 1");
    await waitFor(() => expect(screen.getByTestId("ci-log-group")).toHaveAttribute("aria-expanded", "true"));
    expect(document.querySelector('[data-current-match="true"]')).toHaveTextContent("test adds ... FAILED");
  });
});
