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
      dockerStatus: vi.fn(),
      engineList: vi.fn(),
      updatesCheck: vi.fn(),
    },
  };
});

const saved: Settings = {
  theme: "system",
  closeToTray: true,
  logLevel: "info",
  engineImages: { redis: "mirror.example.com/redis:7" },
  autoCheckUpdates: true,
  autoInstallUpdates: false,
  skippedVersion: null,
  updateEndpoint: null,
  startAtLogin: false,
  desktopNotifications: true,
  snapshotsKept: 10,
  testRunsKept: 100,
  editorCommand: null,
  docsUrl: null,
};

function setUp() {
  vi.mocked(api.settingsGet).mockResolvedValue(saved);
  vi.mocked(api.appInfo).mockResolvedValue({
    version: "0.1.0",
    dataDir: "/home/me/.local/share/quantum-admin",
    logDir: "/home/me/.local/share/quantum-admin/logs",
    databaseFile: "/home/me/.local/share/quantum-admin/quantum-admin.db",
  });
  vi.mocked(api.dockerStatus).mockResolvedValue({
    available: true,
    message: null,
    endpoint: "Docker from DOCKER_HOST: unix:///run/user/1000/docker.sock",
  });
  vi.mocked(api.engineList).mockResolvedValue([
    {
      engine: "postgres",
      label: "PostgreSQL",
      defaultImage: "postgres:17-alpine",
      officialImage: "postgres:17-alpine",
      defaultPort: 5432,
      hasDatabaseAndUser: true,
    },
    {
      engine: "redis",
      label: "Redis",
      defaultImage: "mirror.example.com/redis:7",
      officialImage: "redis:7-alpine",
      defaultPort: 6379,
      hasDatabaseAndUser: false,
    },
  ]);
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

  it("saves an engine's image when the field is left, keeping the other settings", async () => {
    vi.mocked(api.settingsUpdate).mockImplementation(async (settings) => settings);
    const user = setUp();

    const postgres = await screen.findByLabelText("PostgreSQL");
    expect(postgres).toHaveAttribute("placeholder", "postgres:17-alpine");
    expect(screen.getByLabelText("Redis")).toHaveValue("mirror.example.com/redis:7");
    const withMirror = {
      ...saved,
      engineImages: { redis: "mirror.example.com/redis:7", postgres: "mirror.example.com/postgres:16" },
    };
    await user.type(postgres, "mirror.example.com/postgres:16");
    expect(api.settingsUpdate).not.toHaveBeenCalledWith(withMirror);
    await user.tab();

    expect(api.settingsUpdate).toHaveBeenCalledWith(withMirror);
  });

  it("goes back to the official image when an engine's field is emptied", async () => {
    vi.mocked(api.settingsUpdate).mockImplementation(async (settings) => settings);
    const user = setUp();

    await user.clear(await screen.findByLabelText("Redis"));
    await user.keyboard("{Enter}");

    expect(api.settingsUpdate).toHaveBeenCalledWith({ ...saved, engineImages: {} });
  });

  it("tells where the app keeps its files and which Docker Engine it uses", async () => {
    setUp();
    expect(await screen.findByText("/home/me/.local/share/quantum-admin/quantum-admin.db")).toBeVisible();
    expect(screen.getByText("/home/me/.local/share/quantum-admin/logs")).toBeVisible();
    expect(await screen.findByText("Docker from DOCKER_HOST: unix:///run/user/1000/docker.sock")).toBeVisible();
  });

  it("keeps more test runs and saves an editor command when the field is left", async () => {
    vi.mocked(api.settingsUpdate).mockImplementation(async (settings) => settings);
    const user = setUp();
    await user.selectOptions(await screen.findByLabelText("Test runs kept per project"), "500");
    expect(api.settingsUpdate).toHaveBeenLastCalledWith({ ...saved, testRunsKept: 500 });
    await user.type(screen.getByLabelText("Editor command"), "subl {{file}:{{line}");
    await user.tab();
    expect(api.settingsUpdate).toHaveBeenLastCalledWith(expect.objectContaining({ editorCommand: "subl {file}:{line}" }));
  });

  it("turns automatic update checks off and automatic installs on, keeping the rest", async () => {
    vi.mocked(api.settingsUpdate).mockImplementation(async (settings) => settings);
    const user = setUp();

    await user.click(await screen.findByRole("switch", { name: "Check for updates automatically" }));
    expect(api.settingsUpdate).toHaveBeenLastCalledWith({ ...saved, autoCheckUpdates: false });
    await user.click(screen.getByRole("switch", { name: "Install updates automatically" }));
    expect(api.settingsUpdate).toHaveBeenLastCalledWith({ ...saved, autoCheckUpdates: false, autoInstallUpdates: true });
  });

  it("turns start at login on and desktop notifications off, keeping the rest", async () => {
    vi.mocked(api.settingsUpdate).mockImplementation(async (settings) => settings);
    const user = setUp();

    const startAtLogin = await screen.findByRole("switch", { name: "Start at login" });
    expect(startAtLogin).not.toBeChecked();
    await user.click(startAtLogin);
    expect(api.settingsUpdate).toHaveBeenLastCalledWith({ ...saved, startAtLogin: true });
    await waitFor(() => expect(startAtLogin).toBeChecked());

    const notifications = screen.getByRole("switch", { name: "Desktop notifications" });
    expect(notifications).toBeChecked();
    await user.click(notifications);
    expect(api.settingsUpdate).toHaveBeenLastCalledWith({ ...saved, startAtLogin: true, desktopNotifications: false });
  });

  it("says why start at login could not be turned on and shows it off", async () => {
    vi.mocked(api.settingsUpdate).mockRejectedValue(
      new ApiError({
        code: "io.failed",
        message: "Start at login could not be turned on: permission denied",
        field: "startAtLogin",
      }),
    );
    const user = setUp();

    await user.click(await screen.findByRole("switch", { name: "Start at login" }));

    expect(await screen.findByText("Start at login could not be turned on: permission denied")).toBeVisible();
    await waitFor(() => expect(screen.getByRole("switch", { name: "Start at login" })).not.toBeChecked());
  });

  it("saves the update server when the field is left, and shows why the core refuses one", async () => {
    vi.mocked(api.settingsUpdate).mockRejectedValue(
      new ApiError({
        code: "validation.invalid_update_endpoint",
        message: "Use https: plain http is accepted only for this computer.",
        field: "updateEndpoint",
      }),
    );
    const user = setUp();

    await user.type(await screen.findByLabelText("Update server"), "http://mirror.example.com/latest.json");
    await user.tab();

    expect(api.settingsUpdate).toHaveBeenCalledWith({ ...saved, updateEndpoint: "http://mirror.example.com/latest.json" });
    expect(await screen.findByText("Use https: plain http is accepted only for this computer.")).toBeVisible();
    await waitFor(() => expect(screen.getByLabelText("Update server")).toHaveValue(""));
  });

  it("checks now and says whether an update exists, or why the check failed", async () => {
    const user = setUp();
    vi.mocked(api.updatesCheck).mockResolvedValueOnce(null);
    await user.click(await screen.findByRole("button", { name: "Check now" }));
    expect(await screen.findByText("Quantum Admin is up to date.")).toBeVisible();

    vi.mocked(api.updatesCheck).mockResolvedValueOnce({
      version: "0.2.0",
      currentVersion: "0.1.0",
      notes: null,
      date: null,
    });
    await user.click(screen.getByRole("button", { name: "Check now" }));
    expect(await screen.findByText("Version 0.2.0 is available.")).toBeVisible();

    vi.mocked(api.updatesCheck).mockRejectedValueOnce(
      new ApiError({
        code: "update.unavailable",
        message: "The update server could not be reached. Quantum Admin 0.1.0 keeps running.",
        field: null,
      }),
    );
    await user.click(screen.getByRole("button", { name: "Check now" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Quantum Admin 0.1.0 keeps running.");
  });
});
