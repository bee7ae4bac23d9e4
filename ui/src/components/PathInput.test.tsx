import { useState } from "react";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError } from "../api";
import type * as ApiModule from "../api";
import { renderWithApp } from "../test/render";
import { PathInput, type BrowseOptions } from "./PathInput";

vi.mock("../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { dialogPick: vi.fn() } };
});

const bundles: BrowseOptions = {
  kind: "saveFile",
  title: "Choose where to write the bundle",
  filters: [{ name: "Quantum Admin bundle", extensions: ["qabundle"] }],
};

function Form({ browse, initial = "" }: { browse?: BrowseOptions; initial?: string }) {
  const [path, setPath] = useState(initial);
  return (
    <>
      <label htmlFor="path">File</label>
      <PathInput id="path" value={path} onValueChange={setPath} browse={browse} data-testid="path-input" />
      <output data-testid="value">{path}</output>
    </>
  );
}

describe("PathInput", () => {
  beforeEach(() => {
    vi.mocked(api.dialogPick).mockReset();
  });

  it("takes a typed path as it is, with no Browse button unless asked", async () => {
    const user = userEvent.setup();
    renderWithApp(<Form />);
    await user.type(screen.getByLabelText("File"), "/home/me/shop.qabundle");
    expect(screen.getByTestId("value")).toHaveTextContent("/home/me/shop.qabundle");
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("Browse opens the native dialog on the typed path and fills in the chosen one", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogPick).mockResolvedValue("/home/me/exports/shop.qabundle");
    renderWithApp(<Form browse={bundles} initial="  /home/me/shop.qabundle " />);
    await user.click(screen.getByRole("button", { name: /Browse/ }));

    expect(api.dialogPick).toHaveBeenCalledWith({
      kind: "saveFile",
      title: "Choose where to write the bundle",
      filters: [{ name: "Quantum Admin bundle", extensions: ["qabundle"] }],
      defaultPath: "/home/me/shop.qabundle",
    });
    await waitFor(() => expect(screen.getByLabelText("File")).toHaveValue("/home/me/exports/shop.qabundle"));
    expect(screen.getByTestId("path-input-browse")).toBeEnabled();
  });

  it("opens where the system chooses when nothing is typed yet", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogPick).mockResolvedValue("/home/me/code/shop");
    renderWithApp(<Form browse={{ kind: "folder", title: "Choose the project's folder" }} />);
    await user.click(screen.getByRole("button", { name: /Browse/ }));
    expect(api.dialogPick).toHaveBeenCalledWith({
      kind: "folder",
      title: "Choose the project's folder",
      filters: [],
      defaultPath: null,
    });
    await waitFor(() => expect(screen.getByTestId("value")).toHaveTextContent("/home/me/code/shop"));
  });

  it("keeps the typed path when the dialog is cancelled", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogPick).mockResolvedValue(null);
    renderWithApp(<Form browse={bundles} initial="/home/me/typed.qabundle" />);
    await user.click(screen.getByRole("button", { name: /Browse/ }));
    await waitFor(() => expect(screen.getByTestId("path-input-browse")).toBeEnabled());
    expect(screen.getByLabelText("File")).toHaveValue("/home/me/typed.qabundle");
  });

  it("says so when the dialog cannot be shown, and typing still works", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogPick).mockRejectedValue(
      new ApiError({ code: "io.failed", message: "The file dialog could not be shown. Type the path instead.", field: null }),
    );
    renderWithApp(<Form browse={bundles} />);
    await user.click(screen.getByRole("button", { name: /Browse/ }));
    expect(await screen.findByText("The file dialog could not be opened")).toBeVisible();
    expect(screen.getByText("The file dialog could not be shown. Type the path instead.")).toBeVisible();
    await user.type(screen.getByLabelText("File"), "/tmp/x");
    expect(screen.getByTestId("value")).toHaveTextContent("/tmp/x");
  });
});
