import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, type Project, type ProjectVariables, type SecretStoreStatus } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { EnvironmentPage } from "./EnvironmentPage";
import { REVEAL_MS } from "./useRevealedSecrets";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: {
      projectGet: vi.fn(),
      variablesList: vi.fn(),
      secretStoreStatus: vi.fn(),
      secretReveal: vi.fn(),
      secretCopy: vi.fn(),
    },
  };
});

const SECRET_VALUE = "tok_9f8e7d6c5b4a";

const shop: Project = {
  id: 7,
  name: "shop",
  description: "",
  folder: "/home/me/shop",
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00.000Z",
};

const variables: ProjectVariables = {
  environments: ["dev", "prod"],
  variables: [
    { environment: null, name: "LOG_FORMAT", kind: "plain", value: "json", fingerprint: null, updatedAt: null, stored: false },
    { environment: "dev", name: "LOG_LEVEL", kind: "plain", value: "debug", fingerprint: null, updatedAt: null, stored: false },
    {
      environment: "dev",
      name: "API_TOKEN",
      kind: "secret",
      value: null,
      fingerprint: "a1b2c3d4e5f6",
      updatedAt: "2026-11-21T10:00:00.000Z",
      stored: true,
    },
    { environment: "dev", name: "STRIPE_KEY", kind: "secret", value: null, fingerprint: null, updatedAt: null, stored: false },
  ],
};

const keychain: SecretStoreStatus = { kind: "keychain", vaultExists: false, vaultUnlocked: false, message: "" };

function renderPage(route = "/projects/7/environment?env=dev") {
  return renderWithApp(
    <Routes>
      <Route path="/projects/:projectId/environment" element={<EnvironmentPage />} />
    </Routes>,
    { route },
  );
}

const row = (name: string) => screen.getByRole("row", { name: new RegExp(name) });

describe("EnvironmentPage", () => {
  beforeEach(() => {
    vi.mocked(api.projectGet).mockResolvedValue(shop);
    vi.mocked(api.variablesList).mockResolvedValue(variables);
    vi.mocked(api.secretStoreStatus).mockResolvedValue(keychain);
    vi.mocked(api.secretReveal).mockResolvedValue(SECRET_VALUE);
    vi.mocked(api.secretCopy).mockResolvedValue(null);
  });

  afterEach(() => vi.useRealTimers());

  it("shows each environment's variables, plain values in full", async () => {
    const user = userEvent.setup();
    renderPage("/projects/7/environment");
    expect(await screen.findByText("LOG_FORMAT")).toBeVisible();
    expect(screen.getByText("json")).toBeVisible();
    expect(screen.queryByText("LOG_LEVEL")).toBeNull();

    await user.click(screen.getByRole("tab", { name: "dev" }));
    expect(await screen.findByText("LOG_LEVEL")).toBeVisible();
    expect(screen.getByText("debug")).toBeVisible();
    expect(screen.getByRole("tab", { name: "dev" })).toHaveAttribute("aria-selected", "true");
  });

  it("masks a secret with its fingerprint, and never renders its value before Reveal", async () => {
    const user = userEvent.setup();
    renderPage();
    const token = await screen.findByText("API_TOKEN");
    const tokenRow = token.closest("tr")!;
    expect(within(tokenRow).getByText("••••••")).toBeVisible();
    expect(within(tokenRow).getByText("a1b2c3d4e5f6")).toBeVisible();
    expect(document.body.innerHTML).not.toContain(SECRET_VALUE);
    expect(api.secretReveal).not.toHaveBeenCalled();

    await user.click(within(tokenRow).getByRole("button", { name: "Reveal API_TOKEN" }));
    expect(await within(tokenRow).findByText(SECRET_VALUE)).toBeVisible();
    expect(api.secretReveal).toHaveBeenCalledWith(7, "dev", "API_TOKEN");

    await user.click(within(tokenRow).getByRole("button", { name: "Hide API_TOKEN" }));
    expect(document.body.innerHTML).not.toContain(SECRET_VALUE);
  });

  it("masks a revealed secret again after a while, and on switching environments", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    renderPage();
    await user.click(await screen.findByRole("button", { name: "Reveal API_TOKEN" }));
    expect(await screen.findByText(SECRET_VALUE)).toBeVisible();
    act(() => vi.advanceTimersByTime(REVEAL_MS));
    expect(screen.queryByText(SECRET_VALUE)).toBeNull();

    await user.click(screen.getByRole("button", { name: "Reveal API_TOKEN" }));
    expect(await screen.findByText(SECRET_VALUE)).toBeVisible();
    await user.click(screen.getByRole("tab", { name: "Shared" }));
    await user.click(screen.getByRole("tab", { name: "dev" }));
    expect(await screen.findByText("API_TOKEN")).toBeVisible();
    expect(screen.queryByText(SECRET_VALUE)).toBeNull();
  });

  it("copies through the core and says the clipboard holds a secret", async () => {
    const user = userEvent.setup();
    renderPage();
    await user.click(await screen.findByRole("button", { name: "Copy API_TOKEN" }));
    expect(api.secretCopy).toHaveBeenCalledWith(7, "dev", "API_TOKEN");
    expect(await screen.findByText("Copied — the clipboard holds a secret")).toBeVisible();
    expect(document.body.innerHTML).not.toContain(SECRET_VALUE);
  });

  it("says when a secret is not stored on this machine and offers to set it", async () => {
    const user = userEvent.setup();
    renderPage();
    await screen.findByText("STRIPE_KEY");
    expect(within(row("STRIPE_KEY")).getByText("Not stored on this machine")).toBeVisible();
    expect(within(row("STRIPE_KEY")).queryByRole("button", { name: /Reveal/ })).toBeNull();
    await user.click(within(row("STRIPE_KEY")).getByRole("button", { name: "Set value" }));
    expect(await screen.findByRole("dialog", { name: "Set STRIPE_KEY" })).toBeVisible();
  });

  it("without a keychain, says so, disables secret actions with the reason and keeps plain ones", async () => {
    vi.mocked(api.secretStoreStatus).mockResolvedValue({
      kind: "unavailable",
      vaultExists: false,
      vaultUnlocked: false,
      message: "No system keychain (Secret Service) was found.",
    });
    renderPage();
    expect(await screen.findByText(/No system keychain \(Secret Service\) was found\./)).toBeVisible();
    expect(screen.getByRole("button", { name: "Set up a local vault" })).toBeVisible();
    const reveal = within(row("API_TOKEN")).getByRole("button", { name: "Reveal API_TOKEN" });
    await waitFor(() => expect(reveal).toBeDisabled());
    expect(reveal).toHaveAttribute("title", expect.stringMatching(/set up the encrypted local vault/));
    expect(within(row("API_TOKEN")).getByRole("button", { name: "Copy API_TOKEN" })).toBeDisabled();
    expect(within(row("LOG_LEVEL")).getByRole("button", { name: "Edit LOG_LEVEL" })).toBeEnabled();
  });
});
