import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, type ExportProgress } from "../../../api";
import type * as ApiModule from "../../../api";
import { renderWithApp } from "../../../test/render";
import { ExportResultDialog } from "./ExportResultDialog";

vi.mock("../../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { consoleExport: vi.fn(), dialogConfirmSave: vi.fn(), dialogPick: vi.fn() } };
});

function renderDialog(running = false) {
  const onClose = vi.fn();
  renderWithApp(<ExportResultDialog runId={42} rows={120} running={running} baseName="users" onClose={onClose} />);
  return { onClose };
}

/** A promise with its resolve and reject at hand, to hold the export open while checking progress. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("ExportResultDialog", () => {
  beforeEach(() => {
    vi.mocked(api.consoleExport).mockReset();
    vi.mocked(api.dialogConfirmSave).mockReset();
    vi.mocked(api.dialogPick).mockReset();
    vi.mocked(api.dialogConfirmSave).mockImplementation((path) => Promise.resolve(path));
  });

  it("says what to fix when no file is given, and exports nothing", async () => {
    const user = userEvent.setup();
    const { onClose } = renderDialog();
    expect(screen.getByRole("dialog", { name: "Export the result" })).toHaveTextContent("All 120 rows");
    await user.click(screen.getByRole("button", { name: "Export" }));

    const error = await screen.findByText(/Choose the file to write with Browse…, or type its full path/);
    expect(screen.getByLabelText("File")).toHaveAccessibleDescription(error.textContent!);
    expect(api.dialogConfirmSave).not.toHaveBeenCalled();
    expect(api.consoleExport).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
  });

  it("exports the result to the confirmed file, showing the progress until it is done", async () => {
    const user = userEvent.setup();
    const exported = deferred<ExportProgress>();
    let report: ((progress: ExportProgress) => void) | undefined;
    vi.mocked(api.consoleExport).mockImplementation((_runId, _path, _format, onProgress) => {
      report = onProgress;
      return exported.promise;
    });
    const { onClose } = renderDialog();
    await user.type(screen.getByLabelText("File"), "/home/me/users.csv");
    await user.click(screen.getByRole("button", { name: "Export" }));

    expect(api.dialogConfirmSave).toHaveBeenCalledWith("/home/me/users.csv", expect.stringContaining("Confirm"), [
      { name: "CSV", extensions: ["csv"] },
    ]);
    await waitFor(() =>
      expect(api.consoleExport).toHaveBeenCalledWith(42, "/home/me/users.csv", "csv", expect.any(Function)),
    );
    expect(screen.getByRole("progressbar", { name: "Exporting" })).toBeVisible();
    expect(screen.getByRole("button", { name: "Exporting…" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeDisabled();

    act(() => report!({ rows: 40, total: 120, bytes: 2_097_152, done: false }));
    expect(screen.getByRole("status")).toHaveTextContent("40 of 120 rows · 2.0 MiB");
    expect(screen.getByRole("progressbar", { name: "Exporting" })).toHaveAttribute("aria-valuenow", "33");
    expect(onClose).not.toHaveBeenCalled();

    await act(async () => exported.resolve({ rows: 120, total: 120, bytes: 6_291_456, done: true }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(await screen.findByText("Exported 120 rows as CSV")).toBeVisible();
  });

  it("follows a query still running: says so, counts rows so far, and the bar waits for the end", async () => {
    const user = userEvent.setup();
    let report: ((progress: ExportProgress) => void) | undefined;
    vi.mocked(api.consoleExport).mockImplementation((_runId, _path, _format, onProgress) => {
      report = onProgress;
      return new Promise(() => {});
    });
    renderDialog(true);
    expect(screen.getByText(/still running \(120 rows so far\)/)).toBeVisible();
    expect(screen.getByText(/If it fails or is cancelled, nothing is written/)).toBeVisible();
    await user.type(screen.getByLabelText("File"), "/home/me/users.csv");
    await user.click(screen.getByRole("button", { name: "Export" }));
    await waitFor(() => expect(report).toBeDefined());
    act(() => report!({ rows: 40_000, total: 50_000, bytes: 2_097_152, done: false }));
    expect(screen.getByRole("status")).toHaveTextContent("40,000 rows so far · 2.0 MiB");
    expect(screen.getByRole("progressbar", { name: "Exporting" })).not.toHaveAttribute("aria-valuenow");
  });

  it("exports as JSON, turning a typed .csv extension into .json", async () => {
    const user = userEvent.setup();
    vi.mocked(api.consoleExport).mockResolvedValue({ rows: 120, total: 120, bytes: 1024, done: true });
    const { onClose } = renderDialog();
    expect(screen.getByLabelText("File")).toHaveAttribute("placeholder", "/home/you/users.csv");
    await user.type(screen.getByLabelText("File"), "/home/me/users.csv");
    await user.click(screen.getByRole("radio", { name: /JSON/ }));

    expect(screen.getByRole("radio", { name: /JSON/ })).toBeChecked();
    expect(screen.getByLabelText("File")).toHaveValue("/home/me/users.json");
    expect(screen.getByLabelText("File")).toHaveAttribute("placeholder", "/home/you/users.json");

    await user.click(screen.getByRole("button", { name: "Export" }));
    expect(api.dialogConfirmSave).toHaveBeenCalledWith("/home/me/users.json", expect.any(String), [
      { name: "JSON", extensions: ["json"] },
    ]);
    await waitFor(() =>
      expect(api.consoleExport).toHaveBeenCalledWith(42, "/home/me/users.json", "json", expect.any(Function)),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(await screen.findByText("Exported 120 rows as JSON")).toBeVisible();
  });

  it("exports to the file confirmed in the save dialog, which may differ from the typed one", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogConfirmSave).mockResolvedValue("/home/me/elsewhere/users.csv");
    vi.mocked(api.consoleExport).mockResolvedValue({ rows: 120, total: 120, bytes: 1024, done: true });
    renderDialog();
    await user.type(screen.getByLabelText("File"), "/tmp/users.csv");
    await user.click(screen.getByRole("button", { name: "Export" }));
    await waitFor(() =>
      expect(api.consoleExport).toHaveBeenCalledWith(42, "/home/me/elsewhere/users.csv", "csv", expect.any(Function)),
    );
  });

  it("exports nothing when the file is not confirmed, and says so under the field", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogConfirmSave).mockResolvedValue(null);
    const { onClose } = renderDialog();
    await user.type(screen.getByLabelText("File"), "/home/me/users.csv");
    await user.click(screen.getByRole("button", { name: "Export" }));

    const error = await screen.findByText(/the file was not confirmed/);
    expect(screen.getByLabelText("File")).toHaveAccessibleDescription(error.textContent!);
    expect(api.consoleExport).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Export" })).toBeEnabled();
  });

  it("shows an export the core fails under the file field and stays open", async () => {
    const user = userEvent.setup();
    vi.mocked(api.consoleExport).mockRejectedValue(
      new ApiError({ code: "console.run_gone", message: "The result is no longer held: run the query again.", field: null }),
    );
    const { onClose } = renderDialog();
    await user.type(screen.getByLabelText("File"), "/home/me/users.csv");
    await user.click(screen.getByRole("button", { name: "Export" }));

    const error = await screen.findByText("The result is no longer held: run the query again.");
    expect(screen.getByLabelText("File")).toHaveAccessibleDescription(error.textContent!);
    expect(screen.getByLabelText("File")).toBeInvalid();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Export" })).toBeEnabled();
  });
});
