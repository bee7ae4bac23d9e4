import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { api, ApiError, type Settings } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { SettingsPage } from "./SettingsPage";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: {
      settingsGet: vi.fn(),
      settingsUpdate: vi.fn(),
      appInfo: vi.fn(),
    },
  };
});

const saved: Settings = { theme: "system", closeToTray: true, logLevel: "info", engineImages: {} };

function setUp() {
  vi.mocked(api.settingsGet).mockResolvedValue(saved);
  vi.mocked(api.appInfo).mockResolvedValue({
    version: "0.1.0",
    dataDir: "/home/me/.local/share/quantum-admin",
    logDir: "/home/me/.local/share/quantum-admin/logs",
    databaseFile: "/home/me/.local/share/quantum-admin/quantum-admin.db",
  });
  renderWithApp(<SettingsPage />);
  return userEvent.setup();
}

describe("SettingsPage", () => {
  it("saves the chosen theme and shows it selected", async () => {
    vi.mocked(api.settingsUpdate).mockImplementation(async (settings) => settings);
    const user = setUp();

    await user.click(await screen.findByRole("radio", { name: "Dark" }));

    expect(api.settingsUpdate).toHaveBeenCalledWith({ ...saved, theme: "dark" });
    expect(screen.getByRole("radio", { name: "Dark" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "System" })).not.toBeChecked();
  });

  it("puts the old value back and says why when saving fails", async () => {
    vi.mocked(api.settingsUpdate).mockRejectedValue(
      new ApiError({ code: "settings.unavailable", message: "The settings file is read-only.", field: null }),
    );
    const user = setUp();

    await user.click(await screen.findByRole("switch", { name: "Close to tray" }));

    expect(await screen.findByText("The settings file is read-only.")).toBeVisible();
    await waitFor(() => expect(screen.getByRole("switch", { name: "Close to tray" })).toBeChecked());
  });

  it("tells where the app keeps its files", async () => {
    setUp();
    expect(await screen.findByText("/home/me/.local/share/quantum-admin/quantum-admin.db")).toBeVisible();
    expect(screen.getByText("/home/me/.local/share/quantum-admin/logs")).toBeVisible();
  });
});
