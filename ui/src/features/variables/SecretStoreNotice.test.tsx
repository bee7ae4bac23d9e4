import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, type SecretStoreStatus } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { SecretStoreNotice } from "./SecretStoreNotice";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { secretStoreStatus: vi.fn(), vaultCreate: vi.fn(), vaultUnlock: vi.fn(), dialogConfirmSave: vi.fn() } };
});

const unavailable: SecretStoreStatus = {
  kind: "unavailable",
  vaultExists: false,
  vaultUnlocked: false,
  message: "No system keychain (Secret Service) was found.",
};
const locked: SecretStoreStatus = { kind: "vault", vaultExists: true, vaultUnlocked: false, message: "The vault is locked." };
const unlocked: SecretStoreStatus = { ...locked, vaultUnlocked: true };

describe("SecretStoreNotice", () => {
  beforeEach(() => {
    vi.mocked(api.secretStoreStatus).mockResolvedValue(unavailable);
  });

  it("stays silent while the system keychain works", async () => {
    vi.mocked(api.secretStoreStatus).mockResolvedValue({ ...unavailable, kind: "keychain" });
    renderWithApp(<SecretStoreNotice />);
    await waitFor(() => expect(api.secretStoreStatus).toHaveBeenCalled());
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("sets up a vault with a passphrase of 12 characters or more, typed twice", async () => {
    const user = userEvent.setup();
    vi.mocked(api.vaultCreate).mockResolvedValue(unlocked);
    renderWithApp(<SecretStoreNotice />);
    await user.click(await screen.findByRole("button", { name: "Set up a local vault" }));

    const passphrase = screen.getByLabelText("Passphrase");
    const again = screen.getByLabelText("Passphrase again");
    await user.type(passphrase, "too short");
    expect(screen.getByText(/Strength:/)).toHaveTextContent("weak");
    await user.click(screen.getByRole("button", { name: "Create vault" }));
    expect(await screen.findByText("Use at least 12 characters; this one has 9.")).toBeVisible();

    await user.type(passphrase, " but longer now");
    await user.type(again, "too short but longer");
    await user.click(screen.getByRole("button", { name: "Create vault" }));
    expect(await screen.findByText(/The two passphrases differ/)).toBeVisible();
    expect(api.vaultCreate).not.toHaveBeenCalled();

    await user.type(again, " now");
    await user.click(screen.getByRole("button", { name: "Create vault" }));
    expect(api.vaultCreate).toHaveBeenCalledWith({ passphrase: "too short but longer now" });
    await waitFor(() => expect(screen.queryByRole("status")).toBeNull());
  });

  it("or with a key file the app creates", async () => {
    const user = userEvent.setup();
    vi.mocked(api.vaultCreate).mockResolvedValue(unlocked);
    renderWithApp(<SecretStoreNotice />);
    await user.click(await screen.findByRole("button", { name: "Set up a local vault" }));
    await user.click(screen.getByRole("radio", { name: "Key file" }));
    await user.type(screen.getByLabelText("Key file"), "vault.key");
    await user.click(screen.getByRole("button", { name: "Create vault" }));
    expect(await screen.findByText(/Give the full path of the key file/)).toBeVisible();

    await user.clear(screen.getByLabelText("Key file"));
    await user.type(screen.getByLabelText("Key file"), "/home/me/.vault.key");
    await user.click(screen.getByRole("button", { name: "Create vault" }));
    expect(api.vaultCreate).toHaveBeenCalledWith({ keyFile: "/home/me/.vault.key" });
  });

  it("has a new key file typed outside the projects confirmed in the save dialog, then creates the vault", async () => {
    const user = userEvent.setup();
    vi.mocked(api.vaultCreate).mockReset();
    vi.mocked(api.vaultCreate).mockRejectedValueOnce(
      new ApiError({ code: "path.not_chosen", message: "Pick it with Browse.", field: "keyFile" }),
    );
    vi.mocked(api.vaultCreate).mockResolvedValueOnce(unlocked);
    vi.mocked(api.dialogConfirmSave).mockResolvedValue("/home/me/keys/vault.key");
    renderWithApp(<SecretStoreNotice />);
    await user.click(await screen.findByRole("button", { name: "Set up a local vault" }));
    await user.click(screen.getByRole("radio", { name: "Key file" }));
    await user.type(screen.getByLabelText("Key file"), "/home/me/vault.key");
    await user.click(screen.getByRole("button", { name: "Create vault" }));

    await waitFor(() => expect(api.vaultCreate).toHaveBeenLastCalledWith({ keyFile: "/home/me/keys/vault.key" }));
    expect(api.dialogConfirmSave).toHaveBeenCalledWith("/home/me/vault.key", expect.stringContaining("key file"), []);
    expect(api.vaultCreate).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(screen.queryByRole("status")).toBeNull());
  });

  it("creates no vault when the new key file is not confirmed, and says why under the field", async () => {
    const user = userEvent.setup();
    vi.mocked(api.vaultCreate).mockReset();
    vi.mocked(api.vaultCreate).mockRejectedValue(
      new ApiError({ code: "path.not_chosen", message: "Pick it with Browse.", field: "keyFile" }),
    );
    vi.mocked(api.dialogConfirmSave).mockResolvedValue(null);
    renderWithApp(<SecretStoreNotice />);
    await user.click(await screen.findByRole("button", { name: "Set up a local vault" }));
    await user.click(screen.getByRole("radio", { name: "Key file" }));
    await user.type(screen.getByLabelText("Key file"), "/home/me/vault.key");
    await user.click(screen.getByRole("button", { name: "Create vault" }));

    const error = await screen.findByText(/the file was not confirmed/);
    expect(screen.getByLabelText("Key file")).toHaveAccessibleDescription(error.textContent!);
    expect(api.vaultCreate).toHaveBeenCalledTimes(1);
  });

  it("unlocks a locked vault, and says so where the passphrase was typed when it is wrong", async () => {
    const user = userEvent.setup();
    vi.mocked(api.secretStoreStatus).mockResolvedValue(locked);
    vi.mocked(api.vaultUnlock).mockRejectedValueOnce(
      new ApiError({ code: "secrets.vault_wrong_key", message: "This passphrase does not open the vault.", field: null }),
    );
    vi.mocked(api.vaultUnlock).mockResolvedValueOnce(unlocked);
    renderWithApp(<SecretStoreNotice />);

    expect(await screen.findByText(/The local vault is locked/)).toBeVisible();
    await user.type(screen.getByLabelText("Passphrase"), "wrong one");
    await user.click(screen.getByRole("button", { name: "Unlock" }));
    expect(await screen.findByText("This passphrase does not open the vault.")).toBeVisible();

    await user.clear(screen.getByLabelText("Passphrase"));
    await user.type(screen.getByLabelText("Passphrase"), "the right one");
    await user.click(screen.getByRole("button", { name: "Unlock" }));
    expect(api.vaultUnlock).toHaveBeenLastCalledWith({ passphrase: "the right one" });
    await waitFor(() => expect(screen.queryByText(/The local vault is locked/)).toBeNull());
  });
});
