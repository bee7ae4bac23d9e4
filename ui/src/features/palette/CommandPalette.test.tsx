import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes, useLocation } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Settings } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { datasource, project } from "./fixtures";
import { PaletteLauncher } from "./PaletteLauncher";
import { isPaletteShortcut } from "./shortcut";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: {
      projectList: vi.fn(),
      datasourceList: vi.fn(),
      datasourceStart: vi.fn(),
      datasourceStop: vi.fn(),
      datasourceRestart: vi.fn(),
      settingsGet: vi.fn(),
      settingsUpdate: vi.fn(),
    },
  };
});

const settings: Settings = {
  theme: "light",
  closeToTray: true,
  logLevel: "info",
  engineImages: {},
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

const shop = project(7, "shop", "The online shop");
const postgres = datasource(3, 7, "shop-postgres-1", "ready");

/** Shows where the router is, so a test sees where the palette went. */
function Location() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

function setUp() {
  renderWithApp(
    <>
      <button type="button">Somewhere on the page</button>
      <PaletteLauncher />
      <Routes>
        <Route path="*" element={<Location />} />
      </Routes>
    </>,
  );
  return userEvent.setup();
}

const location = () => screen.getByTestId("location").textContent;

async function openPalette(user: ReturnType<typeof userEvent.setup>) {
  await user.keyboard("{Control>}k{/Control}");
  return screen.findByRole("combobox");
}

describe("CommandPalette", () => {
  beforeEach(() => {
    // jsdom has no matchMedia; the theme follows it.
    window.matchMedia = vi.fn().mockReturnValue({ matches: false, addEventListener: vi.fn(), removeEventListener: vi.fn() });
    vi.mocked(api.projectList).mockResolvedValue([shop, project(8, "blog")]);
    vi.mocked(api.datasourceList).mockResolvedValue([postgres]);
    vi.mocked(api.settingsGet).mockResolvedValue(settings);
  });

  it("opens on Ctrl+K, finds a project by its name, and Enter goes to its page", async () => {
    const user = setUp();
    const input = await openPalette(user);
    expect(input).toHaveFocus();

    await user.keyboard("shop");
    await waitFor(() =>
      expect(screen.getByRole("option", { selected: true })).toHaveAttribute("data-palette-id", "project:7"),
    );
    await user.keyboard("{Enter}");

    expect(location()).toBe("/projects/7");
    expect(screen.queryByRole("combobox")).not.toBeInTheDocument();
  });

  it("moves with the arrow keys and runs the selected item", async () => {
    const user = setUp();
    await openPalette(user);
    await user.keyboard("sett");
    await waitFor(() =>
      expect(screen.getByRole("option", { selected: true })).toHaveAttribute("data-palette-id", "page:/settings"),
    );

    await user.keyboard("{Backspace}{Backspace}{Backspace}{Backspace}");
    await waitFor(() => expect(screen.getAllByRole("option").length).toBeGreaterThan(10));
    const options = () => screen.getAllByRole("option");
    expect(options()[0]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(options()[2]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowUp}");
    expect(options()[1]).toHaveAttribute("aria-selected", "true");
    expect(options()[1]).toHaveTextContent("Projects");

    await user.keyboard("{Enter}");
    expect(location()).toBe("/projects");
  });

  it("says so when nothing matches", async () => {
    const user = setUp();
    await openPalette(user);
    await user.keyboard("zzqx");
    expect(await screen.findByText("Nothing matches.")).toBeVisible();
    expect(screen.queryAllByRole("option")).toEqual([]);
  });

  it("closes on Escape and gives the focus back", async () => {
    const user = setUp();
    const before = screen.getByRole("button", { name: "Somewhere on the page" });
    before.focus();
    await openPalette(user);

    await user.keyboard("{Escape}");

    expect(screen.queryByRole("combobox")).not.toBeInTheDocument();
    expect(before).toHaveFocus();
    expect(location()).toBe("/");
  });

  it("closes on Ctrl+K too, and opens from the sidebar's button", async () => {
    const user = setUp();
    await openPalette(user);
    await user.keyboard("{Control>}k{/Control}");
    expect(screen.queryByRole("combobox")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("palette-launcher"));
    expect(await screen.findByRole("combobox")).toHaveFocus();
  });

  it("stops a database from its action", async () => {
    vi.mocked(api.datasourceStop).mockResolvedValue({ ...postgres, status: "stopped" });
    const user = setUp();
    await openPalette(user);

    await user.keyboard("stop shop");
    await waitFor(() =>
      expect(screen.getByRole("option", { selected: true })).toHaveAttribute("data-palette-id", "action:stop:3"),
    );
    await user.keyboard("{Enter}");

    await waitFor(() => expect(api.datasourceStop).toHaveBeenCalledWith(3));
    expect(await screen.findByText("Database “shop-postgres-1” stopped")).toBeVisible();
    expect(location()).toBe("/");
  });

  it("switches the theme, keeping the other settings", async () => {
    vi.mocked(api.settingsUpdate).mockImplementation(async (saved) => saved);
    const user = setUp();
    await openPalette(user);

    await user.keyboard("theme");
    const option = await screen.findByRole("option", { name: /Switch to the dark theme/ });
    await user.click(option);

    await waitFor(() => expect(api.settingsUpdate).toHaveBeenCalledWith({ ...settings, theme: "dark" }));
  });

  it("stays shut while another dialog owns the keyboard", async () => {
    const user = setUp();
    const other = document.createElement("dialog");
    other.setAttribute("open", "");
    document.body.append(other);
    try {
      await user.keyboard("{Control>}k{/Control}");
      expect(screen.queryByRole("combobox")).not.toBeInTheDocument();
    } finally {
      other.remove();
    }
  });

  it("lists groups with headings", async () => {
    const user = setUp();
    await openPalette(user);
    const list = await screen.findByRole("listbox");
    await waitFor(() => expect(within(list).getAllByRole("group")).toHaveLength(4));
    const headings = within(list)
      .getAllByRole("group")
      .map((group) => document.getElementById(group.getAttribute("aria-labelledby") ?? "")?.textContent);
    expect(headings).toEqual(["Pages", "Projects", "Databases", "Actions"]);

    await user.keyboard("stop");
    await waitFor(() => expect(within(list).getAllByRole("group")[0]).toHaveTextContent("Stop shop-postgres-1"));
  });
});

describe("isPaletteShortcut", () => {
  const keys = { key: "k", ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, repeat: false, defaultPrevented: false };

  it("is Ctrl+K elsewhere and ⌘K on macOS", () => {
    expect(isPaletteShortcut({ ...keys, ctrlKey: true }, false)).toBe(true);
    expect(isPaletteShortcut({ ...keys, metaKey: true }, false)).toBe(false);
    expect(isPaletteShortcut({ ...keys, metaKey: true }, true)).toBe(true);
    expect(isPaletteShortcut({ ...keys, ctrlKey: true, key: "K" }, false)).toBe(true);
  });

  it("leaves other combinations and keys an editor used alone", () => {
    expect(isPaletteShortcut({ ...keys, ctrlKey: true, shiftKey: true }, false)).toBe(false);
    expect(isPaletteShortcut({ ...keys, ctrlKey: true, key: "j" }, false)).toBe(false);
    expect(isPaletteShortcut({ ...keys, ctrlKey: true, defaultPrevented: true }, false)).toBe(false);
    expect(isPaletteShortcut({ ...keys, ctrlKey: true, repeat: true }, false)).toBe(false);
  });
});
