import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, type Variable } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { VariableFormDialog, type VariableFormTarget } from "./VariableFormDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { variableSet: vi.fn(), variablesList: vi.fn() } };
});

const saved: Variable = {
  environment: "dev",
  name: "API_TOKEN",
  kind: "secret",
  value: null,
  fingerprint: "a1b2c3d4e5f6",
  updatedAt: "2026-11-21T10:00:00.000Z",
  stored: true,
};

function renderForm(target: VariableFormTarget, usable = true) {
  const onClose = vi.fn();
  renderWithApp(
    <VariableFormDialog
      projectId={7}
      target={target}
      environments={["dev", "prod"]}
      secretStore={usable ? { usable: true } : { usable: false, reason: "No system keychain was found.", fix: "createVault" }}
      onClose={onClose}
    />,
  );
  return { onClose };
}

describe("VariableFormDialog", () => {
  beforeEach(() => {
    vi.mocked(api.variableSet).mockReset();
  });

  it("checks the name and that a secret has an environment before sending anything", async () => {
    const user = userEvent.setup();
    renderForm({ mode: "add", environment: null });
    await user.type(screen.getByLabelText("Name"), "2FA-CODE");
    await user.click(screen.getByRole("radio", { name: "Secret" }));
    await user.click(screen.getByRole("button", { name: "Add variable" }));

    expect(await screen.findByText(/not starting with a digit/)).toBeVisible();
    expect(screen.getByText("A secret belongs to one environment: choose one.")).toBeVisible();
    expect(screen.getByText("Enter the secret's value.")).toBeVisible();
    expect(screen.getByLabelText("Environment")).toHaveFocus();
    expect(api.variableSet).not.toHaveBeenCalled();
  });

  it("sends a secret typed in a password field, and closes", async () => {
    const user = userEvent.setup();
    vi.mocked(api.variableSet).mockResolvedValue(saved);
    const { onClose } = renderForm({ mode: "add", environment: "dev" });
    await user.type(screen.getByLabelText("Name"), "API_TOKEN");
    await user.click(screen.getByRole("radio", { name: "Secret" }));
    const value = screen.getByLabelText("Value");
    expect(value).toHaveAttribute("type", "password");
    await user.type(value, "s3cret-value");
    await user.click(screen.getByRole("button", { name: "Show what was typed" }));
    expect(value).toHaveAttribute("type", "text");
    await user.click(screen.getByRole("button", { name: "Add variable" }));

    expect(api.variableSet).toHaveBeenCalledWith(7, { environment: "dev", name: "API_TOKEN", kind: "secret", value: "s3cret-value" });
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("shows the core's field error under its field", async () => {
    const user = userEvent.setup();
    vi.mocked(api.variableSet).mockRejectedValue(
      new ApiError({ code: "validation.invalid_name", message: "LOG_LEVEL is already a secret in “dev”.", field: "name" }),
    );
    renderForm({ mode: "add", environment: "dev" });
    await user.type(screen.getByLabelText("Name"), "LOG_LEVEL");
    await user.click(screen.getByRole("button", { name: "Add variable" }));
    expect(await screen.findByText("LOG_LEVEL is already a secret in “dev”.")).toBeVisible();
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
  });

  it("edits a plain value in place, and never pre-fills a secret", async () => {
    renderForm({
      mode: "edit",
      variable: { ...saved, name: "LOG_LEVEL", kind: "plain", value: "debug", fingerprint: null },
    });
    expect(screen.getByLabelText("Value")).toHaveValue("debug");
    expect(screen.getByLabelText("Name")).toHaveAttribute("readonly");
  });

  it("offers no secret kind while no secret store is usable, and says why", () => {
    renderForm({ mode: "add", environment: "dev" }, false);
    expect(screen.getByRole("radio", { name: "Secret" })).toBeDisabled();
    expect(screen.getByText(/No system keychain was found\./)).toBeVisible();
  });
});
