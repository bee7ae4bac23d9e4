import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, api } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { ExportDotenvDialog } from "./ExportDotenvDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { dotenvExportPreview: vi.fn(), dotenvExportWrite: vi.fn(), dialogConfirmSave: vi.fn() } };
});

// As the core sends it: secret values masked on both sides.
const current = 'LOG_LEVEL=info\nAPI_TOKEN="••••••"\n';
const preview = { path: "/home/me/shop/.env", current, proposed: 'LOG_LEVEL=debug\nAPI_TOKEN="••••••"\n' };

function renderDialog() {
  const onClose = vi.fn();
  renderWithApp(
    <ExportDotenvDialog projectId={7} open environments={["dev"]} environment="dev" projectHasFolder onClose={onClose} />,
  );
  return { onClose };
}

describe("ExportDotenvDialog", () => {
  beforeEach(() => {
    vi.mocked(api.dotenvExportPreview).mockReset();
    vi.mocked(api.dotenvExportWrite).mockReset();
    vi.mocked(api.dialogConfirmSave).mockReset();
    vi.mocked(api.dotenvExportPreview).mockResolvedValue(preview);
  });

  it("shows the changes, then writes against the file as it was shown", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dotenvExportWrite).mockResolvedValue(null);
    const { onClose } = renderDialog();
    await user.click(screen.getByRole("button", { name: "Show the changes" }));

    const diff = await screen.findByLabelText("Changes to the file");
    expect(diff).toHaveTextContent("LOG_LEVEL=debug");
    expect(screen.getByText(/Secret values show as/)).toBeVisible();
    expect(api.dotenvExportPreview).toHaveBeenCalledWith(7, "dev", null);

    await user.click(screen.getByRole("button", { name: "Write" }));
    expect(api.dotenvExportWrite).toHaveBeenCalledWith(7, "dev", null, current, false);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("reads the file again when it changed since the preview", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dotenvExportWrite).mockRejectedValue(
      new ApiError({ code: "datasource.env_file_changed", message: "/home/me/shop/.env changed.", field: null }),
    );
    renderDialog();
    await user.click(screen.getByRole("button", { name: "Show the changes" }));
    await user.click(await screen.findByRole("button", { name: "Write" }));

    expect(await screen.findByText(/changed since it was read/)).toBeVisible();
    await waitFor(() => expect(api.dotenvExportPreview).toHaveBeenCalledTimes(2));
  });

  it("writes to another file when asked, after checking its path and having it confirmed", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogConfirmSave).mockResolvedValue("/tmp/shop.env");
    renderDialog();
    await user.click(screen.getByRole("radio", { name: "Another file" }));
    await user.type(screen.getByLabelText("Path"), "relative/.env");
    await user.click(screen.getByRole("button", { name: "Show the changes" }));
    expect(await screen.findByText(/Give the full path/)).toBeVisible();
    expect(api.dialogConfirmSave).not.toHaveBeenCalled();

    await user.clear(screen.getByLabelText("Path"));
    await user.type(screen.getByLabelText("Path"), "/tmp/shop.env");
    await user.click(screen.getByRole("button", { name: "Show the changes" }));
    expect(api.dialogConfirmSave).toHaveBeenCalledWith("/tmp/shop.env", expect.stringContaining("Confirm"), []);
    await waitFor(() => expect(api.dotenvExportPreview).toHaveBeenCalledWith(7, "dev", "/tmp/shop.env"));
  });

  it("previews the file the user confirmed in the save dialog, which may differ from the typed one", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogConfirmSave).mockResolvedValue("/home/me/other/.env.dev");
    renderDialog();
    await user.click(screen.getByRole("radio", { name: "Another file" }));
    await user.type(screen.getByLabelText("Path"), "/tmp/typed.env");
    await user.click(screen.getByRole("button", { name: "Show the changes" }));
    await waitFor(() => expect(api.dotenvExportPreview).toHaveBeenCalledWith(7, "dev", "/home/me/other/.env.dev"));
  });

  it("stays on the form with the reason when the file is not confirmed", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogConfirmSave).mockResolvedValue(null);
    renderDialog();
    await user.click(screen.getByRole("radio", { name: "Another file" }));
    await user.type(screen.getByLabelText("Path"), "/etc/profile.d/x.sh");
    await user.click(screen.getByRole("button", { name: "Show the changes" }));
    const error = await screen.findByText(/the file was not confirmed/);
    expect(screen.getByLabelText("Path")).toHaveAccessibleDescription(error.textContent!);
    expect(api.dotenvExportPreview).not.toHaveBeenCalled();
  });
});
