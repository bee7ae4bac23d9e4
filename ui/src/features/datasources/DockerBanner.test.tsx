import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { DockerBanner } from "./DockerBanner";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { dockerStatus: vi.fn() } };
});

describe("DockerBanner", () => {
  beforeEach(() => vi.mocked(api.dockerStatus).mockReset());

  it("says Docker is not running, where it was tried, and goes away once a retry finds it back", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dockerStatus).mockResolvedValue({
      available: false,
      message: "connection refused",
      endpoint: "Docker from context colima: unix:///home/me/.colima/default/docker.sock",
    });
    renderWithApp(<DockerBanner />);

    expect(await screen.findByText(/Docker is not running/)).toBeVisible();
    expect(screen.getByText(/Tried Docker from context colima: unix:\/\/\/home\/me\/.colima/)).toBeVisible();
    vi.mocked(api.dockerStatus).mockResolvedValue({ available: true, message: null, endpoint: null });
    await user.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.queryByText(/Docker is not running/)).toBeNull());
  });

  it("stays silent while Docker answers or before the first check ends", async () => {
    vi.mocked(api.dockerStatus).mockResolvedValue({ available: null, message: null, endpoint: null });
    renderWithApp(<DockerBanner />);
    await waitFor(() => expect(api.dockerStatus).toHaveBeenCalled());
    expect(screen.queryByRole("status")).toBeNull();
  });
});
