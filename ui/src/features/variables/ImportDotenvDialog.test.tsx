import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { ImportDotenvDialog } from "./ImportDotenvDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { dotenvImportPreview: vi.fn(), dotenvImport: vi.fn(), variablesList: vi.fn() } };
});

const entries = [
  { name: "LOG_LEVEL", looksSecret: false, preview: "debug" },
  { name: "STRIPE_KEY", looksSecret: true, preview: "••••••" },
  { name: "DATABASE_URL", looksSecret: false, preview: "postgres://localhost/shop" },
];

function renderDialog(usable = true) {
  const onClose = vi.fn();
  renderWithApp(
    <ImportDotenvDialog
      projectId={7}
      open
      defaultPath="/home/me/shop/.env"
      environments={["dev", "prod"]}
      environment="prod"
      secretStore={usable ? { usable: true } : { usable: false, reason: "The local vault is locked.", fix: "unlockVault" }}
      onClose={onClose}
    />,
  );
  return { onClose };
}

const secretBox = (name: string) => screen.getByRole("checkbox", { name: `Import ${name} as a secret` });

describe("ImportDotenvDialog", () => {
  beforeEach(() => {
    vi.mocked(api.dotenvImportPreview).mockResolvedValue(entries);
    vi.mocked(api.dotenvImport).mockResolvedValue({ plain: 1, secrets: 2 });
  });

  it("reads the file, pre-marks the keys that look secret, and imports the user's choice", async () => {
    const user = userEvent.setup();
    const { onClose } = renderDialog();
    expect(screen.getByLabelText("File")).toHaveValue("/home/me/shop/.env");
    await user.click(screen.getByRole("button", { name: "Read the file" }));
    expect(api.dotenvImportPreview).toHaveBeenCalledWith("/home/me/shop/.env");

    expect(await screen.findByText("STRIPE_KEY")).toBeVisible();
    expect(secretBox("STRIPE_KEY")).toBeChecked();
    expect(secretBox("LOG_LEVEL")).not.toBeChecked();
    expect(screen.getByLabelText("Into the environment")).toHaveValue("prod");

    await user.click(secretBox("DATABASE_URL"));
    await user.selectOptions(screen.getByLabelText("Into the environment"), "dev");
    expect(screen.getByTestId("import-summary")).toHaveTextContent("1 plain variable go to quantum.toml, 2 secrets");
    await user.click(screen.getByRole("button", { name: "Import" }));

    expect(api.dotenvImport).toHaveBeenCalledWith(7, {
      path: "/home/me/shop/.env",
      environment: "dev",
      secretNames: ["STRIPE_KEY", "DATABASE_URL"],
    });
    expect(await screen.findByText("Imported 1 plain variable and 2 secrets into “dev”")).toBeVisible();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("refuses secrets while no secret store is usable, until they are unticked", async () => {
    const user = userEvent.setup();
    renderDialog(false);
    await user.click(screen.getByRole("button", { name: "Read the file" }));
    await screen.findByText("STRIPE_KEY");
    const importButton = screen.getByRole("button", { name: "Import" });
    expect(importButton).toBeDisabled();
    expect(screen.getByTestId("import-summary")).toHaveTextContent("The local vault is locked.");

    await user.click(secretBox("STRIPE_KEY"));
    expect(importButton).toBeEnabled();
  });

  it("shows why the file could not be read, under the path", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dotenvImportPreview).mockRejectedValue(new Error("No file at /home/me/shop/.env"));
    renderDialog();
    await user.click(screen.getByRole("button", { name: "Read the file" }));
    expect(await screen.findByText("No file at /home/me/shop/.env")).toBeVisible();
    expect(within(screen.getByRole("dialog")).queryByRole("table")).toBeNull();
  });
});
