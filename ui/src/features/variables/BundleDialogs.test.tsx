import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { ExportBundleDialog } from "./BundleDialogs";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { bundleExport: vi.fn(), dialogConfirmSave: vi.fn(), dialogPick: vi.fn() } };
});

const PASSPHRASE = "correct horse battery staple";

async function fillIn(user: ReturnType<typeof userEvent.setup>, path: string) {
  if (path !== "") await user.type(screen.getByLabelText("File"), path);
  await user.type(screen.getByLabelText("Passphrase"), PASSPHRASE);
  await user.type(screen.getByLabelText("Passphrase again"), PASSPHRASE);
  await user.click(screen.getByRole("button", { name: "Export" }));
}

describe("ExportBundleDialog", () => {
  beforeEach(() => {
    vi.mocked(api.bundleExport).mockReset();
    vi.mocked(api.dialogConfirmSave).mockReset();
    vi.mocked(api.dialogPick).mockReset();
  });

  it("writes the bundle to the file the user confirmed for the typed path", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    vi.mocked(api.dialogConfirmSave).mockResolvedValue("/home/me/shop.qabundle");
    vi.mocked(api.bundleExport).mockResolvedValue(null);
    renderWithApp(<ExportBundleDialog projectId={7} projectName="shop" open onClose={onClose} />);
    await fillIn(user, " /home/me/shop.qabundle");

    expect(api.dialogConfirmSave).toHaveBeenCalledWith("/home/me/shop.qabundle", expect.any(String), [
      { name: "Quantum Admin bundle", extensions: ["qabundle"] },
    ]);
    await waitFor(() => expect(api.bundleExport).toHaveBeenCalledWith(7, "/home/me/shop.qabundle", PASSPHRASE));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("writes nothing when the file is not confirmed, and says what to do under the field", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogConfirmSave).mockResolvedValue(null);
    renderWithApp(<ExportBundleDialog projectId={7} projectName="shop" open onClose={vi.fn()} />);
    await fillIn(user, "/home/me/shop.qabundle");

    const error = await screen.findByText(/the file was not confirmed/);
    expect(error).toHaveTextContent("Browse");
    expect(screen.getByLabelText("File")).toHaveAccessibleDescription(error.textContent!);
    expect(api.bundleExport).not.toHaveBeenCalled();
  });

  it("shows a path the core refuses under the field, without a dialog", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogConfirmSave).mockRejectedValue(
      new ApiError({
        code: "validation.invalid_folder",
        message: "/nowhere/x.qabundle is not a file in an existing folder. Check the folder, or pick the file with Browse.",
        field: "path",
      }),
    );
    renderWithApp(<ExportBundleDialog projectId={7} projectName="shop" open onClose={vi.fn()} />);
    await fillIn(user, "/nowhere/x.qabundle");
    expect(await screen.findByText(/is not a file in an existing folder/)).toBeVisible();
    expect(api.bundleExport).not.toHaveBeenCalled();
  });

  it("Browse chooses the file in the save dialog, which the export then uses", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogPick).mockResolvedValue("/home/me/picked.qabundle");
    vi.mocked(api.dialogConfirmSave).mockImplementation((path) => Promise.resolve(path));
    vi.mocked(api.bundleExport).mockResolvedValue(null);
    renderWithApp(<ExportBundleDialog projectId={7} projectName="shop" open onClose={vi.fn()} />);
    await user.click(screen.getByRole("button", { name: /Browse/ }));
    expect(api.dialogPick).toHaveBeenCalledWith(expect.objectContaining({ kind: "saveFile", defaultPath: null }));
    await waitFor(() => expect(screen.getByLabelText("File")).toHaveValue("/home/me/picked.qabundle"));
    await fillIn(user, "");
    await waitFor(() => expect(api.bundleExport).toHaveBeenCalledWith(7, "/home/me/picked.qabundle", PASSPHRASE));
  });
});
