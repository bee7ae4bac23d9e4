import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { api, ApiError, type Settings, type UpdateInfo, type UpdateProgress } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { UpdateNotice } from "./UpdateNotice";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: {
      updatesPending: vi.fn(),
      updatesInstall: vi.fn(),
      updatesSkip: vi.fn(),
      onUpdateAvailable: vi.fn(),
    },
  };
});

const update: UpdateInfo = {
  version: "0.2.0",
  currentVersion: "0.1.0",
  notes: "Faster start.\n<script>alert(1)</script> stays text.",
  date: "2026-11-20T10:00:00Z",
};

/** Renders the notice; returns the user and a way to push an "update available" event. */
function setUp(pending: UpdateInfo | null) {
  let announce: (update: UpdateInfo) => void = () => undefined;
  vi.mocked(api.updatesPending).mockResolvedValue(pending);
  vi.mocked(api.onUpdateAvailable).mockImplementation(async (listener) => {
    announce = listener;
    return () => undefined;
  });
  renderWithApp(<UpdateNotice />);
  return { user: userEvent.setup(), announce: (next: UpdateInfo) => act(() => announce(next)) };
}

describe("UpdateNotice", () => {
  it("stays away while no update is offered, and appears when an automatic check finds one", async () => {
    const { announce } = setUp(null);
    await waitFor(() => expect(api.onUpdateAvailable).toHaveBeenCalled());
    expect(screen.queryByTestId("update-notice")).not.toBeInTheDocument();

    announce(update);
    expect(await screen.findByRole("heading", { name: "Quantum Admin 0.2.0 is available" })).toBeVisible();
  });

  it("shows the version, the current one and the notes as plain text", async () => {
    setUp(update);
    expect(await screen.findByRole("heading", { name: "Quantum Admin 0.2.0 is available" })).toBeVisible();
    expect(screen.getByText(/You have 0\.1\.0/)).toBeVisible();
    const notes = screen.getByTestId("update-notes");
    expect(notes).toHaveTextContent("<script>alert(1)</script> stays text.");
    expect(notes.querySelector("script")).toBeNull();
  });

  it("installs with a progress bar, then says the app restarts", async () => {
    let report: (progress: UpdateProgress) => void = () => undefined;
    let finish: () => void = () => undefined;
    vi.mocked(api.updatesInstall).mockImplementation((onProgress) => {
      report = onProgress;
      return new Promise<null>((resolve) => {
        finish = () => resolve(null);
      });
    });
    const { user } = setUp(update);

    await user.click(await screen.findByRole("button", { name: "Install and restart" }));
    act(() => report({ kind: "started" }));
    act(() => report({ kind: "progress", downloaded: 1_500_000, total: 6_000_000 }));
    expect(screen.getByRole("progressbar", { name: "Update progress" })).toHaveAttribute("aria-valuenow", "25");
    expect(screen.getByText("Downloading — 1.5 MB of 6.0 MB")).toBeVisible();
    expect(screen.getByRole("button", { name: "Later" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Skip this version" })).toBeDisabled();

    act(() => report({ kind: "waiting" }));
    expect(screen.getByText(/once the running database operations finish/)).toBeVisible();
    act(() => report({ kind: "finished" }));
    await act(async () => finish());
    expect(screen.getByText("Installing; Quantum Admin restarts in a moment…")).toBeVisible();
  });

  it("says calmly why an install failed and lets the user try again or wait", async () => {
    vi.mocked(api.updatesInstall).mockRejectedValue(
      new ApiError({
        code: "update.signature_invalid",
        message: "The downloaded update does not carry Quantum Admin's signature, so it was discarded. Quantum Admin 0.1.0 keeps running.",
        field: null,
      }),
    );
    const { user } = setUp(update);

    await user.click(await screen.findByRole("button", { name: "Install and restart" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Quantum Admin 0.1.0 keeps running.");
    expect(screen.getByRole("button", { name: "Try again" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "Later" })).toBeEnabled();
  });

  it("goes away with Later without skipping; the next announcement brings it back", async () => {
    const { user, announce } = setUp(update);
    await user.click(await screen.findByRole("button", { name: "Later" }));
    expect(screen.queryByTestId("update-notice")).not.toBeInTheDocument();
    expect(api.updatesSkip).not.toHaveBeenCalled();

    announce(update);
    expect(await screen.findByRole("button", { name: "Install and restart" })).toBeEnabled();
  });

  it("closes with Escape from the keyboard", async () => {
    const { user } = setUp(update);
    await screen.findByTestId("update-notice");
    await user.tab();
    expect(screen.getByRole("region", { name: "Quantum Admin 0.2.0 is available" })).toContainElement(
      document.activeElement as HTMLElement,
    );
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("update-notice")).not.toBeInTheDocument();
    expect(api.updatesSkip).not.toHaveBeenCalled();
  });

  it("skips the version: the core records it and the notice goes away", async () => {
    vi.mocked(api.updatesSkip).mockResolvedValue({ skippedVersion: "0.2.0" } as Settings);
    const { user } = setUp(update);

    await user.click(await screen.findByRole("button", { name: "Skip this version" }));

    expect(api.updatesSkip).toHaveBeenCalledWith("0.2.0");
    await waitFor(() => expect(screen.queryByTestId("update-notice")).not.toBeInTheDocument());
  });
});
